/* The one place where the rooms are put together: what a command hands the player so that it
 * plays by the same rules everywhere. Every command that opens a player calls this, so run,
 * render, plan, report and check agree on which clips may air (the flash gate); only the
 * commands that go on air attach the operations layer (proof of play, control, fleet). */
#include "cmd/commands.h"

#include "checks/checks.h"
#include "ops/ops.h"

void kz_cmd_wire(kz_player_opts *o, int on_air)
{
    o->gate = kz_flash_gate;
    o->ops = on_air ? &kz_ops_driver : NULL;
    o->fetch = on_air; /* only a screen on air fetches; render, plan and check read the cache */
}
