/* kizuna check: every URL the items fetch (feed =, data =) is asked once, with a short
 * timeout, and must answer 200 with a document of its kind. A problem is a warning, never an
 * error: the screen still has its cached copy or its fallback text, and the box that checks
 * (an operator's laptop) may not reach what the screen reaches. Nothing is written into the
 * cache: check never changes what a screen shows. */
#include "checks/checks.h"

#include "base/log.h"
#include "fetch/fetcher.h"

#define LOG "check"

static void report(const char *url, int ok, const char *why, void *ud)
{
    (void)ud;
    if (ok)
        kz_log(LOG, KZ_LOG_INFO, "%.300s: reachable and well-formed", url);
    else
        kz_log(LOG, KZ_LOG_WARN, "%.300s: %s (the cached copy or the fallback text airs)", url,
               why);
}

int kz_check_fetch(kz_player *p)
{
    if (!p->fetcher)
        return 0;
    return kz_fetcher_probe(p->fetcher, KZ_CHECK_FETCH_S, report, NULL);
}
