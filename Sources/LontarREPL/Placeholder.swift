// LontarREPL: placeholder until its issue lands.
enum LontarREPLPlaceholder {}
