// The system's GNU readline, for Lontar's interactive prompt.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
