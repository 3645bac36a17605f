// The system's GNU readline, for Lontar's interactive prompt.
//
// readline is configured through global variables; Swift 6 treats imported
// mutable globals as unsafe shared state, so these small functions are the
// only place Lontar touches them.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

typedef char **(*lontar_completion_fn)(const char *text, int start, int end);

static inline void lontar_rl_configure(lontar_completion_fn completer, const char *word_breaks) {
    rl_readline_name = "lontar";
    rl_attempted_completion_function = completer;
    rl_completer_word_break_characters = strdup(word_breaks);
}

/// The whole line being edited (for context-aware completion).
static inline const char *lontar_rl_line_buffer(void) { return rl_line_buffer; }

/// Tells readline not to fall back to file-name completion.
static inline void lontar_rl_completion_over(void) { rl_attempted_completion_over = 1; }

/// Ctrl-C at the prompt: drop the line being typed and show a fresh prompt.
/// readline calls the application's SIGINT handler from its own read loop
/// (deferred signal handling), so these calls are safe there.
static inline void lontar_rl_cancel_line(const char *fresh_prompt) {
    rl_replace_line("", 0);
    rl_set_prompt(fresh_prompt);
    rl_crlf();
    rl_on_new_line();
    rl_redisplay();
}
