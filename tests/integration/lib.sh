# What the integration tests share; `. tests/integration/lib.sh` after `set -eu`.
# KZ is the binary under test; the plugins are the build's; SDL draws without a display.
KZ=${KZ_BUILD:-build}/kizuna
export KIZUNA_PLUGINS=${KZ_BUILD:-build}/plugins SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} \
    SDL_RENDER_DRIVER=software

# kz_player_ini DIR WxH [LINE...]: DIR/player.ini for a windowed headless player whose
# playlists and content are DIR itself; each LINE is added to [paths] (logs = ...) or starts
# a section of its own ("[player]", "name = x").
kz_player_ini() {
    _dir=$1 _size=$2
    shift 2
    mkdir -p "$_dir"
    {
        printf '[display]\nsize = %s\nfullscreen = no\n' "$_size"
        printf '[paths]\nplugins = %s\nplaylists = .\ncontent = .\nfonts = %s\n' \
            "$PWD/$KIZUNA_PLUGINS" "$PWD/fonts/fonts.ini"
        for _l in "$@"; do printf '%s\n' "$_l"; done
    } >"$_dir/player.ini"
}
