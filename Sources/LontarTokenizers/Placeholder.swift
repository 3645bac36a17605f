// LontarTokenizers: placeholder until its issue lands.
enum LontarTokenizersPlaceholder {}
