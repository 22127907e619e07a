/*
 * dcerpc-log.c — the EVE "dcerpc" object of a transaction, as Suricata 8
 * writes it (rust/src/dcerpc/log.rs): request and response by PDU type
 * ("REQUEST_LOST" / "UNREPLIED" for a side never seen), req / res with
 * fragment count and stub size, the interfaces of a bind, and for a
 * request the interface its context id was bound to; then call_id and
 * rpc_version (connection-oriented) or activityuuid, seqnum and
 * rpc_version "4.0" (connectionless).  With DCERPC_LOG_SMB, the shape
 * Suricata's smb logger gives the DCERPC of a named pipe (opnum at the
 * top, ack_reason with ack_result, no rpc_version).
 */
#include <stdio.h>

#include "app/dcerpc.h"
#include "util/json.h"

static void put_iface(struct json *j, const struct dcerpc_iface *ifc, bool smb)
{
	char u[37], v[16];
	json_open_object(j, NULL);
	dcerpc_uuid_str(ifc->uuid, u);
	json_str(j, "uuid", u);
	snprintf(v, sizeof(v), "%u.%u", ifc->ver, ifc->ver_minor);
	json_str(j, "version", v);
	if (ifc->acked) {
		json_uint(j, "ack_result", ifc->ack_result);
		if (smb)
			json_uint(j, "ack_reason", ifc->ack_reason);
	}
	json_close_object(j);
}

/* The contexts a request's ctx_id was bound to (every bind of it). */
static void put_request_ifaces(struct json *j, const struct dcerpc_tx *tx, bool smb)
{
	uint32_t n;
	const struct dcerpc_iface *ifs = dcerpc_ifaces(tx->state, &n);
	bool open = false;
	for (uint32_t i = 0; i < n; i++) {
		if (ifs[i].ctx_id != tx->ctx_id)
			continue;
		if (!open)
			json_open_array(j, "interfaces");
		open = true;
		put_iface(j, &ifs[i], smb);
	}
	if (open)
		json_close_array(j);
}

static void put_bind_ifaces(struct json *j, const struct dcerpc_tx *tx, bool smb)
{
	if (tx->n_ifaces == 0)
		return;
	json_open_array(j, "interfaces");
	for (uint32_t i = 0; i < tx->n_ifaces; i++)
		put_iface(j, &tx->ifaces[i], smb);
	json_close_array(j);
}

static void put_request(struct json *j, const struct dcerpc_tx *tx, bool smb)
{
	if (!tx->req_done || !tx->req_seen) {
		json_str(j, "request", "REQUEST_LOST");
		return;
	}
	json_str(j, "request", dcerpc_type_name(tx->req_type));
	if (tx->req_type == DCERPC_TYPE_REQUEST) {
		if (smb)
			json_uint(j, "opnum", tx->opnum);
		json_open_object(j, "req");
		if (!smb)
			json_uint(j, "opnum", tx->opnum);
		json_uint(j, "frag_cnt", tx->frag_cnt[0]);
		json_uint(j, "stub_data_size", tx->stub_len[0]);
		json_close_object(j);
		if (!tx->udp)
			put_request_ifaces(j, tx, smb);
	} else if (tx->req_type == DCERPC_TYPE_BIND) {
		put_bind_ifaces(j, tx, smb);
	}
}

static void put_response(struct json *j, const struct dcerpc_tx *tx)
{
	if (!tx->res_done || !tx->res_seen) {
		json_str(j, "response", "UNREPLIED");
		return;
	}
	json_str(j, "response", dcerpc_type_name(tx->res_type));
	if (tx->res_type == DCERPC_TYPE_RESPONSE) {
		json_open_object(j, "res");
		json_uint(j, "frag_cnt", tx->frag_cnt[1]);
		json_uint(j, "stub_data_size", tx->stub_len[1]);
		json_close_object(j);
	}
}

void dcerpc_tx_log_json(struct json *j, const struct dcerpc_tx *tx, uint32_t flags)
{
	bool smb = (flags & DCERPC_LOG_SMB) != 0;
	json_open_object(j, "dcerpc");
	put_request(j, tx, smb);
	put_response(j, tx);
	if (tx->udp) {
		char u[37];
		dcerpc_uuid_str(tx->activity, u);
		json_str(j, "activityuuid", u);
		json_uint(j, "seqnum", tx->call_id);
		json_str(j, "rpc_version", "4.0");
	} else {
		json_uint(j, "call_id", tx->call_id);
		if (!smb) {
			char v[8];
			snprintf(v, sizeof(v), "5.%u", tx->rpc_vers_minor);
			json_str(j, "rpc_version", v);
		}
	}
	json_close_object(j);
}
