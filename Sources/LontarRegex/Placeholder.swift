// LontarRegex: placeholder until its issue lands.
enum LontarRegexPlaceholder {}
