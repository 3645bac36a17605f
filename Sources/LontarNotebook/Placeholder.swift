// LontarNotebook: placeholder until its issue lands.
enum LontarNotebookPlaceholder {}
