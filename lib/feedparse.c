/* Feed headlines with libxml2's tree API. The document is read with XML_PARSE_NONET and
 * without XML_PARSE_NOENT / XML_PARSE_DTDLOAD: nothing is fetched, no external entity is
 * loaded, and a document that declares entities is refused outright (no "billion laughs").
 * Only text and CDATA nodes are read, so an entity reference contributes nothing. */
#include "feedparse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static int is_name(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Text and CDATA under n (descending into child elements: an Atom xhtml title). */
static void gather(const xmlNode *n, char *buf, size_t cap, size_t *len)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            size_t l = c->content ? strlen((const char *)c->content) : 0;
            if (*len + l >= cap)
                l = cap - 1 - *len;
            memcpy(buf + *len, c->content, l);
            *len += l;
            buf[*len] = 0;
        } else if (c->type == XML_ELEMENT_NODE) {
            gather(c, buf, cap, len);
        }
    }
}

static int add(kz_feed_items *out, const xmlNode *title)
{
    if (out->n >= KZ_FEED_MAX_ITEMS)
        return 0;
    char buf[4096];
    size_t len = 0;
    buf[0] = 0;
    gather(title, buf, sizeof buf, &len);
    char *t = kz_feed_plain_text(buf, len, KZ_FEED_MAX_TEXT);
    if (!t)
        return -1;
    if (!*t) {
        free(t);
        return 0;
    }
    char **nt = realloc(out->text, (size_t)(out->n + 1) * sizeof *nt);
    if (!nt) {
        free(t);
        return -1;
    }
    out->text = nt;
    out->text[out->n++] = t;
    return 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_name(c, name))
            return c;
    return NULL;
}

int kz_feed_parse(const char *buf, size_t len, kz_feed_items *out, char *why, size_t why_n)
{
    memset(out, 0, sizeof *out);
    why[0] = 0;
    if (len > INT32_MAX) {
        snprintf(why, why_n, "document too large");
        return -1;
    }
    /* Entity declarations are refused before libxml2 sees them: it never even builds one. */
    static const char decl[] = "<!ENTITY";
    if (memmem(buf, len, decl, sizeof decl - 1)) {
        snprintf(why, why_n, "the document declares entities: refused");
        return -1;
    }
    xmlDoc *doc = xmlReadMemory(buf, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        snprintf(why, why_n, "not well-formed XML%s%s", e && e->message ? ": " : "",
                 e && e->message ? e->message : "");
        char *nl = strchr(why, '\n');
        if (nl)
            *nl = 0;
        return -1;
    }
    int rc = -1;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (doc->intSubset && doc->intSubset->entities) {
        snprintf(why, why_n, "the document declares entities: refused");
    } else if (is_name(root, "rss")) {
        const xmlNode *ch = child(root, "channel");
        rc = 0;
        for (const xmlNode *c = ch ? ch->children : NULL; c && !rc; c = c->next)
            if (is_name(c, "item") && child(c, "title"))
                rc = add(out, child(c, "title"));
        if (!ch) {
            snprintf(why, why_n, "RSS without <channel>");
            rc = -1;
        }
    } else if (is_name(root, "feed")) {
        rc = 0;
        for (const xmlNode *c = root->children; c && !rc; c = c->next)
            if (is_name(c, "entry") && child(c, "title"))
                rc = add(out, child(c, "title"));
    } else {
        snprintf(why, why_n, "neither RSS 2.0 (<rss>) nor Atom (<feed>): <%s>",
                 root ? (const char *)root->name : "nothing");
    }
    if (rc < 0 && !why[0])
        snprintf(why, why_n, "out of memory");
    xmlFreeDoc(doc);
    if (rc < 0)
        kz_feed_items_free(out);
    return rc;
}

void kz_feed_init(void)
{
    xmlInitParser();
}

void kz_feed_items_free(kz_feed_items *it)
{
    for (int i = 0; i < it->n; i++)
        free(it->text[i]);
    free(it->text);
    it->text = NULL;
    it->n = 0;
}

/* One UTF-8 encoding of cp into o (at least 4 bytes); returns its length. */
static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t l = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
             : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!l || l > n || (l == 2 && s[0] < 0xC2))
        return 0;
    for (size_t i = 1; i < l; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return l;
}

char *kz_feed_plain_text(const char *s, size_t len, size_t max)
{
    /* Decoded text is never longer than the input (an entity is longer than its character). */
    char *o = malloc(len + 1);
    if (!o)
        return NULL;
    size_t n = 0;
    int space = 1; /* drop leading white space */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<') { /* a tag: skip to its end; an unterminated one ends the text */
            const char *e = memchr(s + i, '>', len - i);
            i = e ? (size_t)(e - s) + 1 : len;
            if (!space)
                o[n++] = ' ', space = 1;
            continue;
        }
        char tmp[8];
        size_t tl = 0, adv = 1;
        if (c == '&') {
            static const struct { const char *e; char c; } ents[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''},
                {"&nbsp;", ' '}};
            for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !tl; k++) {
                size_t el = strlen(ents[k].e);
                if (len - i >= el && !memcmp(s + i, ents[k].e, el)) {
                    tmp[0] = ents[k].c;
                    tl = 1;
                    adv = el;
                }
            }
            if (!tl && len - i > 3 && s[i + 1] == '#') {
                size_t j = i + 2;
                int hex = j < len && (s[j] == 'x' || s[j] == 'X');
                j += (size_t)hex;
                unsigned long cp = 0;
                size_t d = 0;
                while (j < len && d < 8 && (hex ? strchr("0123456789abcdefABCDEF", s[j]) != NULL
                                                : (s[j] >= '0' && s[j] <= '9')) && s[j]) {
                    int v = s[j] <= '9' ? s[j] - '0' : (s[j] | 0x20) - 'a' + 10;
                    cp = cp * (hex ? 16 : 10) + (unsigned long)v;
                    j++, d++;
                }
                if (d && j < len && s[j] == ';' && cp >= 0x20 && cp <= 0x10FFFF &&
                    !(cp >= 0xD800 && cp <= 0xDFFF) && !(cp >= 0x7F && cp < 0xA0)) {
                    /* Never longer than the reference: "&#N;" is at least 4 bytes. */
                    tl = put_utf8(tmp, cp);
                    if (tl > j + 1 - i)
                        tl = 0;
                    else
                        adv = j + 1 - i;
                }
            }
            if (!tl)
                tmp[0] = '&', tl = 1;
        } else if (c < 0x20 || c == 0x7F) {
            tmp[0] = ' ', tl = 1;
        } else {
            tl = utf8_len((const unsigned char *)s + i, len - i);
            if (!tl) { /* invalid byte: dropped */
                i++;
                continue;
            }
            memcpy(tmp, s + i, tl);
            adv = tl;
        }
        i += adv;
        if (tl == 1 && tmp[0] == ' ') {
            if (space)
                continue;
            space = 1;
        } else {
            space = 0;
        }
        if (n + tl > max)
            break;
        memcpy(o + n, tmp, tl);
        n += tl;
    }
    while (n && o[n - 1] == ' ')
        n--;
    o[n] = 0;
    return o;
}

char *kz_feed_escape_markup(const char *plain)
{
    size_t n = strlen(plain);
    char *o = malloc(2 * n + 1); /* every byte at most doubled */
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = plain[i];
        if (c == '\\' || c == '{' || c == '}' || c == '|' || (c == '-' && i == 0))
            o[k++] = '\\';
        o[k++] = c;
    }
    o[k] = 0;
    return o;
}
