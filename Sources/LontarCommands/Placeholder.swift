// LontarCommands: placeholder until its issue lands.
enum LontarCommandsPlaceholder {}
