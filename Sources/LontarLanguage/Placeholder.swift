// LontarLanguage: placeholder until its issue lands.
enum LontarLanguagePlaceholder {}
