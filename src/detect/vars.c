/*
 * vars.c — address-group and port-group variables ($HOME_NET, $HTTP_PORTS).
 *
 * Values are stored as text and parsed where they are used, as Suricata
 * does, so a variable may refer to other variables.  Starts from
 * Suricata's defaults; the engine config overrides them by name.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect-internal.h"

struct var {
	char *name, *value;
	bool port;
};

struct var_table {
	struct var *v;
	size_t n, cap;
};

struct var_table *vars_new(void)
{
	return calloc(1, sizeof(struct var_table));
}

void vars_free(struct var_table *vt)
{
	if (vt == NULL)
		return;
	for (size_t i = 0; i < vt->n; i++) {
		free(vt->v[i].name);
		free(vt->v[i].value);
	}
	free(vt->v);
	free(vt);
}

int vars_set(struct var_table *vt, bool port, const char *name, const char *value)
{
	if (name[0] == '$')
		name++;
	for (size_t i = 0; i < vt->n; i++) {
		if (vt->v[i].port == port && strcmp(vt->v[i].name, name) == 0) {
			char *nv = strdup(value);
			if (nv == NULL)
				return -1;
			free(vt->v[i].value);
			vt->v[i].value = nv;
			return 0;
		}
	}
	if (vt->n == vt->cap) {
		size_t nc = vt->cap ? vt->cap * 2 : 32;
		struct var *nv = realloc(vt->v, nc * sizeof(*nv));
		if (nv == NULL)
			return -1;
		vt->v = nv;
		vt->cap = nc;
	}
	struct var *v = &vt->v[vt->n];
	v->name = strdup(name);
	v->value = strdup(value);
	v->port = port;
	if (v->name == NULL || v->value == NULL) {
		free(v->name);
		free(v->value);
		return -1;
	}
	vt->n++;
	return 0;
}

const char *vars_get(const struct var_table *vt, bool port, const char *name)
{
	for (size_t i = 0; i < vt->n; i++)
		if (vt->v[i].port == port && strcmp(vt->v[i].name, name) == 0)
			return vt->v[i].value;
	return NULL;
}

/* Defaults of the address/port groups (suricata-verify runs with these;
 * the server/client groups are "any" there). */
static const struct detect_var default_addr[] = {
    {"HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]"},
    {"EXTERNAL_NET", "!$HOME_NET"},
    {"HTTP_SERVERS", "any"},
    {"SMTP_SERVERS", "any"},
    {"SQL_SERVERS", "any"},
    {"DNS_SERVERS", "any"},
    {"TELNET_SERVERS", "any"},
    {"AIM_SERVERS", "any"},
    {"DC_SERVERS", "any"},
    {"DNP3_SERVER", "any"},
    {"DNP3_CLIENT", "any"},
    {"MODBUS_CLIENT", "any"},
    {"MODBUS_SERVER", "any"},
    {"ENIP_CLIENT", "any"},
    {"ENIP_SERVER", "any"},
};

static const struct detect_var default_port[] = {
    {"HTTP_PORTS", "80"},
    {"SHELLCODE_PORTS", "!80"},
    {"ORACLE_PORTS", "1521"},
    {"SSH_PORTS", "22"},
    {"DNP3_PORTS", "20000"},
    {"MODBUS_PORTS", "502"},
    {"FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"},
    {"FTP_PORTS", "21"},
    {"GENEVE_PORTS", "6081"},
    {"VXLAN_PORTS", "4789"},
    {"TEREDO_PORTS", "3544"},
    {"SIP_PORTS", "[5060,5061]"},
};

int vars_add_defaults(struct var_table *vt)
{
	for (size_t i = 0; i < sizeof(default_addr) / sizeof(default_addr[0]); i++)
		if (vars_set(vt, false, default_addr[i].name, default_addr[i].value) != 0)
			return -1;
	for (size_t i = 0; i < sizeof(default_port) / sizeof(default_port[0]); i++)
		if (vars_set(vt, true, default_port[i].name, default_port[i].value) != 0)
			return -1;
	return 0;
}
