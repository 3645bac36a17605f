// LontarModelFiles: placeholder until its issue lands.
enum LontarModelFilesPlaceholder {}
