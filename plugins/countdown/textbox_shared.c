/* The countdown draws like the clock: it compiles the clock's textbox helper too. */
#include "../clock/textbox.c"
