from deepfake_edu.cli import main

raise SystemExit(main())
