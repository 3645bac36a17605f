// LontarModel: placeholder until its issue lands.
enum LontarModelPlaceholder {}
