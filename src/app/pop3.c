#include "app/app.h"
const struct app_protocol app_pop3 = {.name = "pop3", .ipprotos = 1};
