/* The operations layer's face to the commands: the driver that run and play attach to the
 * player (kz_player_opts.ops), and the request handler the control socket and the fleet
 * client share. */
#ifndef KZ_OPS_H
#define KZ_OPS_H
#include "ops/control.h"
#include "screen/player.h"

extern const kz_player_ops kz_ops_driver;

/* Run one control request against a running player (what the socket does), at the player's
 * instant of the last frame. The answer goes to out. */
void kz_ops_command(kz_player *p, char *request, kz_buf *out);
/* What is on air, for the fleet's heartbeat: one JSON object appended to out. */
void kz_ops_heartbeat_json(kz_player *p, kz_buf *out);
#endif
