/*
 * gen_bench_data: deterministic synthetic ad-server events for scripts/bench/bench.sh.
 *
 * Written in C rather than Python because the full data set is 24 M lines
 * (8.5 GB of JSON Lines): CPython formats about 50 k such lines a second, this
 * about 800 k in both formats, so gzip is the only real cost of making the data.
 *
 *   cc -O2 -o gen_bench_data scripts/bench/gen_bench_data.c
 *
 *   gen_bench_data events SEED FILE NFILES TOTAL START JSONL [CSV [CLF]]
 *       Hourly file number FILE (0-based) of NFILES that together hold TOTAL
 *       lines (shared out by a fixed daily traffic curve), starting at START
 *       (Unix seconds, UTC) + FILE hours. Writes the events as JSON Lines to the
 *       path JSONL, the same events as CSV, with a header line, to the path
 *       CSV, and the same events again as an nginx access log to the path CLF
 *       (plain files or FIFOs, uncompressed; "-" or not given: not written).
 *   gen_bench_data keys SEED CAMPAIGNS START JSONL
 *       One day from START: one impression for each of CAMPAIGNS campaigns, in
 *       a shuffled order, so every (day, campaign) key occurs exactly once.
 *
 * Prints "LINES JSONL_BYTES CSV_BYTES" on stdout (events: then CLF_LINES
 * CLF_BYTES, the access log having more lines than events). The output depends
 * only on the arguments: its own PRNG (xoshiro256**), integer formatting, no
 * locale. The access log draws its own numbers from a stream of its own, so
 * JSON Lines and CSV are the same bytes whether it is written or not.
 *
 * The events: ~356 bytes a JSON line, ~220 a CSV line, gzip -6 to ~64 bytes a
 * line (5.5 : 1); 5,000 campaigns with Zipf (s = 1) popularity (the top one has
 * 11% of the events, the top 100 57%); 87% impressions, then video_view, click,
 * viewable, conversion, video_complete, error; a random UUID request_id; 3 M users
 * whose id, IP, user agent and country are fixed per user; deal_id null on 85%;
 * "ts" first on 98.5% of JSON lines, third on 1% and last on 0.5%; 0.5% of
 * events arrive late (up to 3 minutes before their place, so a file just after
 * midnight holds a few events of the day before). CSV quotes a field only when
 * it has a comma (most user agents do).
 *
 * The access log: nginx's "combined" format, one tracking-pixel request an
 * event, ~231 bytes a line (its bytes 0.67 of the JSON Lines'), gzip -6 to ~28
 * bytes a line (8.4 : 1: user agents, sites and times repeat):
 *   IP - - [21/Nov/2026:13:45:12 +0000] "GET /px?ev=imp&cmp=cmp-00042&cr=crv-000421&r=719020831 HTTP/1.1" 200 43 "https://news.example.com/" "UA"
 * with the event's IP and user agent, its time to the second, ev one of imp,
 * start (video_view), click, viewable, conv, complete, error, cmp and cr
 * percent-encoded where needed (the bench's ids never need it), r a random
 * cache-buster and one of 24 sites as the referer. Before 3% of the events
 * comes a request that is not a pixel request, from the same user at the same
 * second: GET /index.html, /favicon.ico or /static/app.js (tally ignores these).
 * With `[clf] type_param = "ev", campaign_param = "cmp", path_prefix = "/px"`,
 * tally counts the same impressions, clicks and video views per day and
 * campaign from it as from the JSON Lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers ---------------------------------------------------- */

static uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

typedef struct { uint64_t s[4]; } rng_t;

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next64(rng_t *r) {
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return result;
}

static void seed_rng(rng_t *r, uint64_t a, uint64_t b) {
    uint64_t x = splitmix64(a) ^ splitmix64(b + 0x5851f42d4c957f2dULL);
    for (int i = 0; i < 4; i++) r->s[i] = x = splitmix64(x);
}

/* uniform in [0, n) */
static uint32_t below(rng_t *r, uint32_t n) { return (uint32_t)(((next64(r) >> 32) * n) >> 32); }

/* ---- the world: campaigns, user agents, countries, event types --------- */

typedef struct { const char *ua; const char *device; int weight; } agent_t;

static const agent_t AGENTS[] = { /* in-app traffic is most of mobile: short SDK agents */
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "mobile", 5},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", "mobile", 5},
    {"NewsReader/5.12.0 (iPhone; iOS 17.1; Scale/3.00)", "mobile", 9},
    {"PuzzleQuest/2.8.1 CFNetwork/1474 Darwin/23.0.0", "mobile", 8},
    {"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36", "mobile", 5},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36", "mobile", 6},
    {"Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230901.001)", "mobile", 10},
    {"Dalvik/2.1.0 (Linux; U; Android 12; SM-A515F Build/SP1A.210812.016)", "mobile", 8},
    {"WeatherNow/3.4.1 (Android 14; Pixel 8)", "mobile", 7},
    {"okhttp/4.12.0", "mobile", 6},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36", "desktop", 7},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0", "desktop", 3},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.72", "desktop", 3},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "desktop", 4},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36", "desktop", 3},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36", "desktop", 1},
    {"Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "tablet", 2},
    {"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36", "tablet", 2},
    {"Roku/DVP-12.5 (12.5.0.4178-C7)", "ctv", 5},
    {"Mozilla/5.0 (SMART-TV; LINUX; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) 7.0 TV Safari/537.36", "ctv", 2},
    {"AppleTV11,1/11.1", "ctv", 1},
    {"GoogleInteractiveMediaAds/3.30.3 (Fire TV; Android 9; AFTMM)", "ctv", 2},
};
#define N_AGENTS (int)(sizeof AGENTS / sizeof AGENTS[0])

typedef struct { const char *code; int weight; } country_t;

static const country_t COUNTRIES[] = {
    {"US", 340}, {"GB", 70}, {"DE", 60}, {"FR", 50}, {"CA", 45}, {"JP", 45}, {"BR", 40},
    {"IN", 40}, {"AU", 30}, {"ES", 30}, {"IT", 30}, {"MX", 30}, {"NL", 20}, {"SE", 15},
    {"PL", 15}, {"KR", 20}, {"TR", 15}, {"ID", 20}, {"AR", 10}, {"ZA", 10}, {"NG", 5},
    {"CH", 10}, {"BE", 10}, {"AT", 10}, {"IE", 5}, {"NO", 5}, {"DK", 5}, {"FI", 5},
};
#define N_COUNTRIES (int)(sizeof COUNTRIES / sizeof COUNTRIES[0])

/* event types, with weights out of 10,000 */
static const char *EVENTS[] = {"impression", "video_view", "click", "viewable", "conversion", "video_complete", "error"};
static const int EVENT_WEIGHTS[] = {8700, 600, 350, 250, 60, 30, 10};
enum { IMPRESSION, VIDEO_VIEW, CLICK, VIEWABLE, CONVERSION, VIDEO_COMPLETE, ERROR, N_EVENTS };

/* share of each UTC hour of the day in the traffic, for the hourly files */
static const uint64_t HOUR_WEIGHTS[24] = {
    104, 108, 110, 105, 95, 82, 70, 62, 55, 50, 48, 50,
    58, 70, 82, 90, 95, 98, 100, 100, 98, 97, 98, 100,
};

#define N_CAMPAIGNS 5000
#define N_USERS 3000000u
#define N_DEALS 300u

static int agent_cum[N_AGENTS], country_cum[N_COUNTRIES];
static int agent_csv_quoted[N_AGENTS];
static double zipf_cum[N_CAMPAIGNS];
static uint32_t zipf_campaign[N_CAMPAIGNS]; /* popularity rank -> campaign number */

static int pick_cum(const int *cum, int n, uint32_t x) {
    x %= (uint32_t)cum[n - 1];
    int i = 0;
    while ((uint32_t)cum[i] <= x) i++;
    return i;
}

static void init_world(uint64_t seed) {
    int sum = 0;
    for (int i = 0; i < N_AGENTS; i++) {
        agent_cum[i] = sum += AGENTS[i].weight;
        agent_csv_quoted[i] = strpbrk(AGENTS[i].ua, ",\"") != NULL;
    }
    sum = 0;
    for (int i = 0; i < N_COUNTRIES; i++) country_cum[i] = sum += COUNTRIES[i].weight;
    double z = 0;
    for (int k = 0; k < N_CAMPAIGNS; k++) zipf_cum[k] = z += 1.0 / (k + 1);
    /* which campaign is the k-th most popular: a fixed shuffle, the same in every file */
    rng_t r;
    seed_rng(&r, seed, 0xca3ba16e);
    for (uint32_t k = 0; k < N_CAMPAIGNS; k++) zipf_campaign[k] = k;
    for (uint32_t k = N_CAMPAIGNS - 1; k > 0; k--) {
        uint32_t j = below(&r, k + 1), t = zipf_campaign[k];
        zipf_campaign[k] = zipf_campaign[j];
        zipf_campaign[j] = t;
    }
}

static uint32_t zipf_pick(rng_t *r) {
    double u = (double)(next64(r) >> 11) * (1.0 / 9007199254740992.0) * zipf_cum[N_CAMPAIGNS - 1];
    int lo = 0, hi = N_CAMPAIGNS - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (zipf_cum[mid] <= u) lo = mid + 1; else hi = mid;
    }
    return zipf_campaign[lo];
}

/* ---- one event ---------------------------------------------------------- */

typedef struct {
    int64_t ms;          /* Unix time in milliseconds, UTC */
    int event;
    uint32_t campaign, creative;
    uint64_t request_hi, request_lo; /* a random UUID */
    uint64_t user;       /* 48-bit user id */
    uint8_t ip[4];
    int agent, country;
    uint32_t price;      /* in units of 1/10,000 */
    int deal;            /* -1: none (null) */
    int layout;          /* 0: ts first, 1: ts third, 2: ts last */
} event_t;

static void make_event(rng_t *r, event_t *e, int64_t ms, int event, uint32_t campaign) {
    e->ms = ms;
    e->event = event;
    e->campaign = campaign;
    e->creative = campaign * 10 + below(r, 6);
    e->request_hi = next64(r);
    e->request_lo = next64(r);
    uint64_t u = below(r, N_USERS);
    uint64_t h1 = splitmix64(u ^ 0x75736572ULL), h2 = splitmix64(h1);
    e->user = h1 & 0xffffffffffffULL;
    e->ip[0] = (uint8_t)(1 + (h2 >> 56) % 223);
    e->ip[1] = (uint8_t)(h2 >> 48);
    e->ip[2] = (uint8_t)(h2 >> 40);
    e->ip[3] = (uint8_t)(1 + (h2 >> 32) % 254);
    e->agent = pick_cum(agent_cum, N_AGENTS, (uint32_t)h2);
    e->country = pick_cum(country_cum, N_COUNTRIES, (uint32_t)(h2 >> 16) ^ (uint32_t)(h1 >> 48));
    switch (event) {
    case IMPRESSION: case VIEWABLE: e->price = 5 + below(r, 200) + below(r, 200); break;
    case VIDEO_VIEW: case VIDEO_COMPLETE: e->price = 50 + below(r, 300) + below(r, 300); break;
    case CLICK: e->price = 500 + below(r, 15000); break;
    case CONVERSION: e->price = 5000 + below(r, 200000); break;
    default: e->price = 0;
    }
    e->deal = below(r, 100) < 15 ? (int)below(r, N_DEALS) : -1;
    uint32_t l = below(r, 1000);
    e->layout = l < 985 ? 0 : l < 995 ? 1 : 2;
}

/* ---- output ------------------------------------------------------------- */

typedef struct {
    FILE *f;
    char *p;
    size_t len;
    uint64_t total;
} out_t;

#define OUT_CAP (4u << 20)
#define LINE_MAX_BYTES 1024

static void out_open(out_t *o, const char *path) {
    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) return;
    o->f = fopen(path, "wb");
    if (!o->f) { perror(path); exit(1); }
    o->p = malloc(OUT_CAP);
    if (!o->p) { perror("malloc"); exit(1); }
}

static void out_flush(out_t *o) {
    if (o->f && o->len && fwrite(o->p, 1, o->len, o->f) != o->len) { perror("write"); exit(1); }
    o->total += o->len;
    o->len = 0;
}

static void out_close(out_t *o) {
    if (!o->f) return;
    out_flush(o);
    if (fclose(o->f) != 0) { perror("close"); exit(1); }
    free(o->p);
}

static char *put_s(char *d, const char *s) { size_t n = strlen(s); memcpy(d, s, n); return d + n; }

static char *put_u(char *d, uint64_t v, int width) { /* decimal, zero-padded to width */
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n < width) tmp[n++] = '0';
    while (n) *d++ = tmp[--n];
    return d;
}

static char *put_hex(char *d, uint64_t v, int digits) {
    static const char HEX[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; i--) *d++ = HEX[(v >> (4 * i)) & 15];
    return d;
}

static char *put_money(char *d, uint32_t v) { /* 123 -> 0.0123 */
    d = put_u(d, v / 10000, 1);
    *d++ = '.';
    return put_u(d, v % 10000, 4);
}

/* civil_from_days, H. Hinnant: days since 1970-01-01 to year, month (1-12), day */
static void civil_from_days(int64_t days, int64_t *year, int64_t *month, int64_t *day) {
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = yoe + era * 400 + (*month <= 2);
}

static char *put_ts(char *d, int64_t ms) { /* 2026-11-21T13:45:12.123Z */
    int64_t secs = ms / 1000, days = secs / 86400, sod = secs % 86400, year, month, day;
    civil_from_days(days, &year, &month, &day);
    d = put_u(d, (uint64_t)year, 4); *d++ = '-';
    d = put_u(d, (uint64_t)month, 2); *d++ = '-';
    d = put_u(d, (uint64_t)day, 2); *d++ = 'T';
    d = put_u(d, (uint64_t)(sod / 3600), 2); *d++ = ':';
    d = put_u(d, (uint64_t)(sod / 60 % 60), 2); *d++ = ':';
    d = put_u(d, (uint64_t)(sod % 60), 2); *d++ = '.';
    d = put_u(d, (uint64_t)(ms % 1000), 3);
    *d++ = 'Z';
    return d;
}

static char *put_ip(char *d, const uint8_t *ip) {
    for (int i = 0; i < 4; i++) {
        if (i) *d++ = '.';
        d = put_u(d, ip[i], 1);
    }
    return d;
}

static char *put_uuid(char *d, uint64_t hi, uint64_t lo) { /* version 4 layout */
    d = put_hex(d, hi >> 32, 8); *d++ = '-';
    d = put_hex(d, hi >> 16, 4); *d++ = '-';
    d = put_hex(d, 0x4000 | (hi & 0x0fff), 4); *d++ = '-';
    d = put_hex(d, 0x8000 | ((lo >> 48) & 0x3fff), 4); *d++ = '-';
    return put_hex(d, lo, 12);
}

/* The columns, in CSV order; JSON uses the same order except for "ts" (layout). */
enum { F_TS, F_EVENT, F_CAMPAIGN, F_CREATIVE, F_REQUEST, F_USER, F_IP, F_UA,
       F_COUNTRY, F_DEVICE, F_PRICE, F_DEAL, N_FIELDS };
static const char *FIELD_NAMES[N_FIELDS] = {
    "ts", "event", "campaign_id", "creative_id", "request_id", "user_id", "ip", "ua",
    "country", "device", "price", "deal_id",
};

/* Writes the value of field f. JSON: strings quoted, numbers bare, no deal is null.
 * CSV: quoted only when needed (user agents with a comma; none has a '"'), no deal is empty. */
static char *put_field(char *d, const event_t *e, int f, int json) {
    if (f == F_DEAL && e->deal < 0) return json ? put_s(d, "null") : d;
    int quote = json ? f != F_PRICE : f == F_UA && agent_csv_quoted[e->agent];
    if (quote) *d++ = '"';
    switch (f) {
    case F_TS: d = put_ts(d, e->ms); break;
    case F_EVENT: d = put_s(d, EVENTS[e->event]); break;
    case F_CAMPAIGN: d = put_s(d, "cmp-"); d = put_u(d, e->campaign, 5); break;
    case F_CREATIVE: d = put_s(d, "crv-"); d = put_u(d, e->creative, 6); break;
    case F_REQUEST: d = put_uuid(d, e->request_hi, e->request_lo); break;
    case F_USER: d = put_hex(d, e->user, 12); break;
    case F_IP: d = put_ip(d, e->ip); break;
    case F_UA: d = put_s(d, AGENTS[e->agent].ua); break;
    case F_COUNTRY: d = put_s(d, COUNTRIES[e->country].code); break;
    case F_DEVICE: d = put_s(d, AGENTS[e->agent].device); break;
    case F_PRICE: d = put_money(d, e->price); break;
    case F_DEAL: d = put_s(d, "deal-"); d = put_u(d, (uint64_t)e->deal, 4); break;
    }
    if (quote) *d++ = '"';
    return d;
}

static const int LAYOUTS[3][N_FIELDS] = {
    {F_TS, F_EVENT, F_CAMPAIGN, F_CREATIVE, F_REQUEST, F_USER, F_IP, F_UA, F_COUNTRY, F_DEVICE, F_PRICE, F_DEAL},
    {F_EVENT, F_CAMPAIGN, F_TS, F_CREATIVE, F_REQUEST, F_USER, F_IP, F_UA, F_COUNTRY, F_DEVICE, F_PRICE, F_DEAL},
    {F_EVENT, F_CAMPAIGN, F_CREATIVE, F_REQUEST, F_USER, F_IP, F_UA, F_COUNTRY, F_DEVICE, F_PRICE, F_DEAL, F_TS},
};

static void write_json(out_t *o, const event_t *e) {
    if (!o->f) return;
    if (o->len + LINE_MAX_BYTES > OUT_CAP) out_flush(o);
    char *d = o->p + o->len;
    *d++ = '{';
    for (int i = 0; i < N_FIELDS; i++) {
        int f = LAYOUTS[e->layout][i];
        if (i) *d++ = ',';
        *d++ = '"';
        d = put_s(d, FIELD_NAMES[f]);
        *d++ = '"';
        *d++ = ':';
        d = put_field(d, e, f, 1);
    }
    *d++ = '}';
    *d++ = '\n';
    o->len = (size_t)(d - o->p);
}

static void write_csv(out_t *o, const event_t *e) {
    if (!o->f) return;
    if (o->len + LINE_MAX_BYTES > OUT_CAP) out_flush(o);
    char *d = o->p + o->len;
    for (int f = 0; f < N_FIELDS; f++) {
        if (f) *d++ = ',';
        d = put_field(d, e, f, 0);
    }
    *d++ = '\n';
    o->len = (size_t)(d - o->p);
}

static void write_csv_header(out_t *o) {
    if (!o->f) return;
    char *d = o->p + o->len;
    for (int f = 0; f < N_FIELDS; f++) {
        if (f) *d++ = ',';
        d = put_s(d, FIELD_NAMES[f]);
    }
    *d++ = '\n';
    o->len = (size_t)(d - o->p);
}

/* ---- the access log (nginx "combined") ----------------------------------- */

static const char *SITES[] = {
    "news.example.com", "www.dailyherald.example", "recipes.example.org", "sports.example.net",
    "weather.example.com", "m.citypaper.example", "games.example.io", "www.techreview.example",
    "finance.example.com", "travel.example.org", "www.autoworld.example", "kids.example.net",
    "health.example.com", "music.example.fm", "www.localnews.example", "shop.example.com",
    "movies.example.tv", "forum.example.org", "puzzles.example.app", "www.gardening.example",
    "science.example.edu", "style.example.com", "podcasts.example.fm", "www.realestate.example",
};
#define N_SITES (uint32_t)(sizeof SITES / sizeof SITES[0])

/* the ev parameter of each event type: imp, click and start are among tally's type values */
static const char *PIXEL_EVENTS[N_EVENTS] = {"imp", "start", "click", "viewable", "conv", "complete", "error"};

static const char *MONTHS[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* requests that are not pixel requests: path, status, bytes sent */
static const struct { const char *path; const char *status_bytes; } PAGES[] = {
    {"/index.html", "200 18342"}, {"/favicon.ico", "404 153"}, {"/static/app.js", "200 48211"},
};
#define N_PAGES (uint32_t)(sizeof PAGES / sizeof PAGES[0])

static char *put_clf_time(char *d, int64_t ms) { /* [21/Nov/2026:13:45:12 +0000] */
    int64_t secs = ms / 1000, days = secs / 86400, sod = secs % 86400, year, month, day;
    civil_from_days(days, &year, &month, &day);
    *d++ = '[';
    d = put_u(d, (uint64_t)day, 2); *d++ = '/';
    d = put_s(d, MONTHS[month - 1]); *d++ = '/';
    d = put_u(d, (uint64_t)year, 4); *d++ = ':';
    d = put_u(d, (uint64_t)(sod / 3600), 2); *d++ = ':';
    d = put_u(d, (uint64_t)(sod / 60 % 60), 2); *d++ = ':';
    d = put_u(d, (uint64_t)(sod % 60), 2);
    return put_s(d, " +0000]");
}

/* s as a query value: unreserved bytes as they are, every other byte as %XX */
static char *put_query_value(char *d, const char *s, const char *end) {
    static const char HEX[] = "0123456789ABCDEF";
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            *d++ = (char)c;
        } else {
            *d++ = '%'; *d++ = HEX[c >> 4]; *d++ = HEX[c & 15];
        }
    }
    return d;
}

/* IP - - [time] "GET path HTTP/1.1" */
static char *put_clf_start(char *d, const event_t *e, const char *path) {
    d = put_ip(d, e->ip);
    d = put_s(d, " - - ");
    d = put_clf_time(d, e->ms);
    d = put_s(d, " \"GET ");
    d = put_s(d, path);
    return d;
}

/* the rest: status and bytes, referer, user agent, newline */
static char *put_clf_end(char *d, const event_t *e, const char *status_bytes, uint32_t site) {
    d = put_s(d, " HTTP/1.1\" ");
    d = put_s(d, status_bytes);
    d = put_s(d, " \"https://");
    d = put_s(d, SITES[site]);
    d = put_s(d, "/\" \"");
    d = put_s(d, AGENTS[e->agent].ua);
    *d++ = '"';
    *d++ = '\n';
    return d;
}

/* One event as a pixel request, after, now and then, a request for something else.
 * Numbers come from r, the access log's own stream. Returns the lines written. */
static int write_clf(out_t *o, rng_t *r, const event_t *e) {
    if (!o->f) return 0;
    if (o->len + 2 * LINE_MAX_BYTES > OUT_CAP) out_flush(o);
    char *d = o->p + o->len, id[16], *end;
    int lines = 1;
    uint32_t site = below(r, N_SITES);
    if (below(r, 1000) < 30) {
        uint32_t page = below(r, N_PAGES);
        d = put_clf_start(d, e, PAGES[page].path);
        d = put_clf_end(d, e, PAGES[page].status_bytes, site);
        lines++;
    }
    d = put_clf_start(d, e, "/px?ev=");
    d = put_s(d, PIXEL_EVENTS[e->event]);
    d = put_s(d, "&cmp=");
    end = put_u(put_s(id, "cmp-"), e->campaign, 5);
    d = put_query_value(d, id, end);
    d = put_s(d, "&cr=");
    end = put_u(put_s(id, "crv-"), e->creative, 6);
    d = put_query_value(d, id, end);
    d = put_s(d, "&r=");
    d = put_u(d, below(r, 1000000000), 1);
    d = put_clf_end(d, e, "200 43", site);
    o->len = (size_t)(d - o->p);
    return lines;
}

/* ---- the two modes ------------------------------------------------------ */

static uint64_t parse_u64(const char *s, const char *what) {
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end) { fprintf(stderr, "gen_bench_data: bad %s: %s\n", what, s); exit(2); }
    return v;
}

static int pick_event(rng_t *r) {
    uint32_t x = below(r, 10000);
    int i = 0;
    while (x >= (uint32_t)EVENT_WEIGHTS[i]) x -= (uint32_t)EVENT_WEIGHTS[i++];
    return i;
}

/* lines of hourly file `file` when `total` lines are shared over `nfiles` hours from `start` */
static uint64_t file_lines(uint64_t total, uint64_t file, uint64_t nfiles, uint64_t start) {
    uint64_t all = 0, before = 0;
    for (uint64_t i = 0; i < nfiles; i++) {
        uint64_t w = HOUR_WEIGHTS[(start / 3600 + i) % 24];
        if (i < file) before += w;
        all += w;
    }
    uint64_t w = HOUR_WEIGHTS[(start / 3600 + file) % 24];
    return (unsigned __int128)total * (before + w) / all - (unsigned __int128)total * before / all;
}

static int run_events(char **a) {
    uint64_t seed = parse_u64(a[0], "SEED"), file = parse_u64(a[1], "FILE");
    uint64_t nfiles = parse_u64(a[2], "NFILES"), total = parse_u64(a[3], "TOTAL");
    uint64_t start = parse_u64(a[4], "START");
    if (file >= nfiles) { fprintf(stderr, "gen_bench_data: FILE must be below NFILES\n"); return 2; }
    init_world(seed);
    out_t json, csv, clf;
    out_open(&json, a[5]);
    out_open(&csv, a[6] ? a[6] : "-");
    out_open(&clf, a[6] && a[7] ? a[7] : "-");
    write_csv_header(&csv);

    rng_t r, clf_r;
    seed_rng(&r, seed, 1000 + file);
    seed_rng(&clf_r, seed, 3000000 + file); /* the access log's own numbers */
    uint64_t clf_lines = 0;
    uint64_t n = file_lines(total, file, nfiles, start);
    int64_t hour_ms = (int64_t)(start + file * 3600) * 1000;
    int64_t step = n ? 3600000 / (int64_t)n : 1;
    if (step < 1) step = 1;
    for (uint64_t i = 0; i < n; i++) {
        int64_t ms = hour_ms + (int64_t)(i * 3600000 / n) + below(&r, (uint32_t)step);
        if (below(&r, 1000) < 5) ms -= 1 + below(&r, 180000); /* a late event */
        event_t e;
        int ev = pick_event(&r);
        make_event(&r, &e, ms, ev, zipf_pick(&r));
        write_json(&json, &e);
        write_csv(&csv, &e);
        clf_lines += (uint64_t)write_clf(&clf, &clf_r, &e);
    }
    out_close(&json);
    out_close(&csv);
    out_close(&clf);
    printf("%llu %llu %llu %llu %llu\n", (unsigned long long)n, (unsigned long long)json.total,
           (unsigned long long)csv.total, (unsigned long long)clf_lines,
           (unsigned long long)clf.total);
    return 0;
}

static int run_keys(char **a) {
    uint64_t seed = parse_u64(a[0], "SEED"), campaigns = parse_u64(a[1], "CAMPAIGNS");
    uint64_t start = parse_u64(a[2], "START");
    if (campaigns == 0 || campaigns > 100000) {
        fprintf(stderr, "gen_bench_data: CAMPAIGNS must be 1..100000 (ids are cmp-NNNNN)\n");
        return 2;
    }
    init_world(seed);
    out_t json;
    out_open(&json, a[3]);
    rng_t r;
    seed_rng(&r, seed, 2000000 + start / 86400);
    uint32_t *order = malloc(campaigns * sizeof *order);
    if (!order) { perror("malloc"); return 1; }
    for (uint32_t i = 0; i < campaigns; i++) order[i] = i;
    for (uint32_t i = (uint32_t)campaigns - 1; i > 0; i--) {
        uint32_t j = below(&r, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int64_t step = 86400000 / (int64_t)campaigns;
    for (uint64_t i = 0; i < campaigns; i++) {
        event_t e;
        int64_t ms = (int64_t)start * 1000 + (int64_t)(i * 86400000 / campaigns) + below(&r, (uint32_t)step);
        make_event(&r, &e, ms, IMPRESSION, order[i]);
        write_json(&json, &e);
    }
    free(order);
    out_close(&json);
    printf("%llu %llu 0\n", (unsigned long long)campaigns, (unsigned long long)json.total);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 8 && argc <= 10 && strcmp(argv[1], "events") == 0) return run_events(argv + 2);
    if (argc == 6 && strcmp(argv[1], "keys") == 0) return run_keys(argv + 2);
    fprintf(stderr,
            "usage: gen_bench_data events SEED FILE NFILES TOTAL START JSONL [CSV [CLF]]\n"
            "       gen_bench_data keys SEED CAMPAIGNS START JSONL\n");
    return 2;
}
