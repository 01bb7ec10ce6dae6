/* The notice shares its slot between languages by reading time with the same pure functions
 * that `kizuna check` grades it with (player/reading.c). Plugins are separate shared objects,
 * so this one compiles them too. */
#include "../../player/reading.c"
