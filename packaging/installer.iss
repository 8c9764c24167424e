; Inno Setup 6 script for report-editor (政府信息公开工作年度报告编辑器).
;
; Build on Windows after `python packaging\build.py`:
;     iscc packaging\installer.iss            -> build\installer\report-editor-<version>-setup.exe
;     iscc /DAppVersion=1.2.3 packaging\installer.iss   (override the version)
;
; Per-user install without administrator rights: PrivilegesRequired=lowest puts {autopf} at
; %LOCALAPPDATA%\Programs and {autoprograms}/{autodesktop} at the user's Start menu/desktop.
; The user's reports live OUTSIDE {app}, in %LOCALAPPDATA%\report-editor (platformdirs
; user_data_dir), so an upgrade over an older version and the uninstaller never touch them:
; nothing below deletes that folder ([UninstallDelete] is deliberately absent).
;
; Simplified Chinese: ChineseSimplified.isl is an UNOFFICIAL Inno Setup 6 translation, not
; installed with Inno Setup.  Put it into the compiler's Languages\ folder or next to this
; script (packaging\ChineseSimplified.isl); see packaging\README.md.
; This file is UTF-8 WITH a byte-order mark: Inno Setup reads a BOM-less script as ANSI.

#define AppName "政府信息公开工作年度报告编辑器"
#define AppShortName "report-editor"
#define AppExeName "report-editor.exe"
#define AppPublisher "report-editor contributors"
#define BundleDir "..\build\pyinstaller\dist\report-editor"

; The version comes from the build: packaging\build.py writes build\pyinstaller\version.iss
; (from report_editor.__version__); otherwise it is read from the frozen exe's version resource.
#ifndef AppVersion
  #if FileExists(AddBackslash(SourcePath) + "..\build\pyinstaller\version.iss")
    #include "..\build\pyinstaller\version.iss"
  #else
    #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + BundleDir + "\" + AppExeName)
  #endif
#endif
; Four numbers for the version resource of setup.exe (AppVersion may be e.g. "1.2.0rc1").
#ifndef AppVersionNumbers
  #define AppVersionNumbers GetVersionNumbersString(AddBackslash(SourcePath) + BundleDir + "\" + AppExeName)
#endif
#if AppVersion == ""
  #error "找不到版本号：请先运行 python packaging\build.py（Build the bundle first.)"
#endif

#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseIsl AddBackslash(SourcePath) + "ChineseSimplified.isl"
#else
  #error "缺少 ChineseSimplified.isl（Inno Setup 非官方简体中文翻译），见 packaging\README.md"
#endif

[Setup]
; AppId is the identity Windows and Inno Setup use to find an installed copy for upgrades.
; Generated once; NEVER change it (a new AppId installs a second, separate program).
AppId={{C1F7C471-B6A6-4DD8-AC32-7F24EDE53E9F}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright=Copyright (c) {#AppPublisher}. MIT License.
VersionInfoVersion={#AppVersionNumbers}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
DefaultDirName={autopf}\{#AppShortName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
; Per-user install, no UAC prompt.  An administrator may still run `setup.exe /ALLUSERS`.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\build\installer
OutputBaseFilename={#AppShortName}-{#AppVersion}-setup
SetupIconFile=..\resources\icons\report-editor.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
; Close a running copy (Restart Manager) before files are replaced on upgrade.
CloseApplications=yes
RestartApplications=no
; Code signing (see packaging\README.md): define SignTool "mysign" in the IDE/command line:
;   iscc "/Smysign=signtool sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 $f" ...
#ifdef SIGN
SignTool=mysign
SignedUninstaller=yes
#endif

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"

[CustomMessages]
chinesesimplified.DataKept=程序已卸载。%n%n您的报告数据仍保存在：%n%1%n%n如不再需要，可手动删除该文件夹；重新安装后数据会自动恢复使用。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; Upgrade: remove the previous version's program files (Python/Qt libraries) so no stale DLL
; is left behind.  Only {app}\_internal -- the user data folder is elsewhere and untouched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{userdocs}"; Comment: "{#AppName}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// The uninstaller removes only what it installed; say where the reports are kept.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\{#AppShortName}')]),
      mbInformation, MB_OK);
end;
