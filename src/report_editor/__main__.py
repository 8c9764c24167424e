from report_editor.cli import main

raise SystemExit(main())
