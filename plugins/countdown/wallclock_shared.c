/* The countdown uses the clock plugin's wall-time helpers. Plugins are separate shared
 * objects, so this one compiles them too. */
#include "../clock/wallclock.c"
