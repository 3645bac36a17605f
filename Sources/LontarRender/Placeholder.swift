// LontarRender: placeholder until its issue lands.
enum LontarRenderPlaceholder {}
