/*
 * bacnet-names.c — the names of BACnet numbers, as ASHRAE 135 spells
 * them (and Wireshark shows them): BVLC functions (Annex J.2), PDU types
 * (20.1), confirmed and unconfirmed service choices (21), object types
 * and property identifiers (BACnetObjectType, BACnetPropertyIdentifier;
 * the property table stops at 211, later numbers have no name here) and
 * network-layer message types (6.2.4).  Look-ups by name ignore case,
 * '-' and '_' so rules may write "whoIs", "who-is" or "who_is".
 */
#include <ctype.h>
#include <string.h>

#include "app/bacnet.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const bvlc_names[] = {
    "bvlc-result",
    "write-broadcast-distribution-table",
    "read-broadcast-distribution-table",
    "read-broadcast-distribution-table-ack",
    "forwarded-npdu",
    "register-foreign-device",
    "read-foreign-device-table",
    "read-foreign-device-table-ack",
    "delete-foreign-device-table-entry",
    "distribute-broadcast-to-network",
    "original-unicast-npdu",
    "original-broadcast-npdu",
    "secure-bvll",
};

static const char *const pdu_type_names[] = {
    "confirmed_request",
    "unconfirmed_request",
    "simple_ack",
    "complex_ack",
    "segment_ack",
    "error",
    "reject",
    "abort",
};

static const char *const property_names[212] = {
    [0] = "acked-transitions",
    [1] = "ack-required",
    [2] = "action",
    [3] = "action-text",
    [4] = "active-text",
    [5] = "active-vt-sessions",
    [6] = "alarm-value",
    [7] = "alarm-values",
    [8] = "all",
    [9] = "all-writes-successful",
    [10] = "apdu-segment-timeout",
    [11] = "apdu-timeout",
    [12] = "application-software-version",
    [13] = "archive",
    [14] = "bias",
    [15] = "change-of-state-count",
    [16] = "change-of-state-time",
    [17] = "notification-class",
    [19] = "controlled-variable-reference",
    [20] = "controlled-variable-units",
    [21] = "controlled-variable-value",
    [22] = "cov-increment",
    [23] = "date-list",
    [24] = "daylight-savings-status",
    [25] = "deadband",
    [26] = "derivative-constant",
    [27] = "derivative-constant-units",
    [28] = "description",
    [29] = "description-of-halt",
    [30] = "device-address-binding",
    [31] = "device-type",
    [32] = "effective-period",
    [33] = "elapsed-active-time",
    [34] = "error-limit",
    [35] = "event-enable",
    [36] = "event-state",
    [37] = "event-type",
    [38] = "exception-schedule",
    [39] = "fault-values",
    [40] = "feedback-value",
    [41] = "file-access-method",
    [42] = "file-size",
    [43] = "file-type",
    [44] = "firmware-revision",
    [45] = "high-limit",
    [46] = "inactive-text",
    [47] = "in-process",
    [48] = "instance-of",
    [49] = "integral-constant",
    [50] = "integral-constant-units",
    [52] = "limit-enable",
    [53] = "list-of-group-members",
    [54] = "list-of-object-property-references",
    [56] = "local-date",
    [57] = "local-time",
    [58] = "location",
    [59] = "low-limit",
    [60] = "manipulated-variable-reference",
    [61] = "maximum-output",
    [62] = "max-apdu-length-accepted",
    [63] = "max-info-frames",
    [64] = "max-master",
    [65] = "max-pres-value",
    [66] = "minimum-off-time",
    [67] = "minimum-on-time",
    [68] = "minimum-output",
    [69] = "min-pres-value",
    [70] = "model-name",
    [71] = "modification-date",
    [72] = "notify-type",
    [73] = "number-of-apdu-retries",
    [74] = "number-of-states",
    [75] = "object-identifier",
    [76] = "object-list",
    [77] = "object-name",
    [78] = "object-property-reference",
    [79] = "object-type",
    [80] = "optional",
    [81] = "out-of-service",
    [82] = "output-units",
    [83] = "event-parameters",
    [84] = "polarity",
    [85] = "present-value",
    [86] = "priority",
    [87] = "priority-array",
    [88] = "priority-for-writing",
    [89] = "process-identifier",
    [90] = "program-change",
    [91] = "program-location",
    [92] = "program-state",
    [93] = "proportional-constant",
    [94] = "proportional-constant-units",
    [96] = "protocol-object-types-supported",
    [97] = "protocol-services-supported",
    [98] = "protocol-version",
    [99] = "read-only",
    [100] = "reason-for-halt",
    [102] = "recipient-list",
    [103] = "reliability",
    [104] = "relinquish-default",
    [105] = "required",
    [106] = "resolution",
    [107] = "segmentation-supported",
    [108] = "setpoint",
    [109] = "setpoint-reference",
    [110] = "state-text",
    [111] = "status-flags",
    [112] = "system-status",
    [113] = "time-delay",
    [114] = "time-of-active-time-reset",
    [115] = "time-of-state-count-reset",
    [116] = "time-synchronization-recipients",
    [117] = "units",
    [118] = "update-interval",
    [119] = "utc-offset",
    [120] = "vendor-identifier",
    [121] = "vendor-name",
    [122] = "vt-classes-supported",
    [123] = "weekly-schedule",
    [124] = "attempted-samples",
    [125] = "average-value",
    [126] = "buffer-size",
    [127] = "client-cov-increment",
    [128] = "cov-resubscription-interval",
    [130] = "event-time-stamps",
    [131] = "log-buffer",
    [132] = "log-device-object-property",
    [133] = "enable",
    [134] = "log-interval",
    [135] = "maximum-value",
    [136] = "minimum-value",
    [137] = "notification-threshold",
    [139] = "protocol-revision",
    [140] = "records-since-notification",
    [141] = "record-count",
    [142] = "start-time",
    [143] = "stop-time",
    [144] = "stop-when-full",
    [145] = "total-record-count",
    [146] = "valid-samples",
    [147] = "window-interval",
    [148] = "window-samples",
    [149] = "maximum-value-timestamp",
    [150] = "minimum-value-timestamp",
    [151] = "variance-value",
    [152] = "active-cov-subscriptions",
    [153] = "backup-failure-timeout",
    [154] = "configuration-files",
    [155] = "database-revision",
    [156] = "direct-reading",
    [157] = "last-restore-time",
    [158] = "maintenance-required",
    [159] = "member-of",
    [160] = "mode",
    [161] = "operation-expected",
    [162] = "setting",
    [163] = "silenced",
    [164] = "tracking-value",
    [165] = "zone-members",
    [166] = "life-safety-alarm-values",
    [167] = "max-segments-accepted",
    [168] = "profile-name",
    [169] = "auto-slave-discovery",
    [170] = "manual-slave-address-binding",
    [171] = "slave-address-binding",
    [172] = "slave-proxy-enable",
    [173] = "last-notify-record",
    [174] = "schedule-default",
    [175] = "accepted-modes",
    [176] = "adjust-value",
    [177] = "count",
    [178] = "count-before-change",
    [179] = "count-change-time",
    [180] = "cov-period",
    [181] = "input-reference",
    [182] = "limit-monitoring-interval",
    [183] = "logging-object",
    [184] = "logging-record",
    [185] = "prescale",
    [186] = "pulse-rate",
    [187] = "scale",
    [188] = "scale-factor",
    [189] = "update-time",
    [190] = "value-before-change",
    [191] = "value-set",
    [192] = "value-change-time",
    [193] = "align-intervals",
    [195] = "interval-offset",
    [196] = "last-restart-reason",
    [197] = "logging-type",
    [202] = "restart-notification-recipients",
    [203] = "time-of-device-restart",
    [204] = "time-synchronization-interval",
    [205] = "trigger",
    [206] = "utc-time-synchronization-recipients",
    [207] = "node-subtype",
    [208] = "node-type",
    [209] = "structured-object-list",
    [210] = "subordinate-annotations",
    [211] = "subordinate-list",
};

static const char *const object_type_names[65] = {
    [0] = "analog-input",
    [1] = "analog-output",
    [2] = "analog-value",
    [3] = "binary-input",
    [4] = "binary-output",
    [5] = "binary-value",
    [6] = "calendar",
    [7] = "command",
    [8] = "device",
    [9] = "event-enrollment",
    [10] = "file",
    [11] = "group",
    [12] = "loop",
    [13] = "multi-state-input",
    [14] = "multi-state-output",
    [15] = "notification-class",
    [16] = "program",
    [17] = "schedule",
    [18] = "averaging",
    [19] = "multi-state-value",
    [20] = "trend-log",
    [21] = "life-safety-point",
    [22] = "life-safety-zone",
    [23] = "accumulator",
    [24] = "pulse-converter",
    [25] = "event-log",
    [26] = "global-group",
    [27] = "trend-log-multiple",
    [28] = "load-control",
    [29] = "structured-view",
    [30] = "access-door",
    [31] = "timer",
    [32] = "access-credential",
    [33] = "access-point",
    [34] = "access-rights",
    [35] = "access-user",
    [36] = "access-zone",
    [37] = "credential-data-input",
    [38] = "network-security",
    [39] = "bitstring-value",
    [40] = "characterstring-value",
    [41] = "date-pattern-value",
    [42] = "date-value",
    [43] = "datetime-pattern-value",
    [44] = "datetime-value",
    [45] = "integer-value",
    [46] = "large-analog-value",
    [47] = "octetstring-value",
    [48] = "positive-integer-value",
    [49] = "time-pattern-value",
    [50] = "time-value",
    [51] = "notification-forwarder",
    [52] = "alert-enrollment",
    [53] = "channel",
    [54] = "lighting-output",
    [55] = "binary-lighting-output",
    [56] = "network-port",
    [57] = "elevator-group",
    [58] = "escalator",
    [59] = "lift",
    [60] = "staging",
    [61] = "audit-log",
    [62] = "audit-reporter",
    [63] = "color",
    [64] = "color-temperature",
};

static const char *const confirmed_names[34] = {
    [0] = "acknowledgeAlarm",
    [1] = "confirmedCOVNotification",
    [2] = "confirmedEventNotification",
    [3] = "getAlarmSummary",
    [4] = "getEnrollmentSummary",
    [5] = "subscribeCOV",
    [6] = "atomicReadFile",
    [7] = "atomicWriteFile",
    [8] = "addListElement",
    [9] = "removeListElement",
    [10] = "createObject",
    [11] = "deleteObject",
    [12] = "readProperty",
    [13] = "readPropertyConditional",
    [14] = "readPropertyMultiple",
    [15] = "writeProperty",
    [16] = "writePropertyMultiple",
    [17] = "deviceCommunicationControl",
    [18] = "confirmedPrivateTransfer",
    [19] = "confirmedTextMessage",
    [20] = "reinitializeDevice",
    [21] = "vtOpen",
    [22] = "vtClose",
    [23] = "vtData",
    [24] = "authenticate",
    [25] = "requestKey",
    [26] = "readRange",
    [27] = "lifeSafetyOperation",
    [28] = "subscribeCOVProperty",
    [29] = "getEventInformation",
    [30] = "subscribeCOVPropertyMultiple",
    [31] = "confirmedCOVNotificationMultiple",
    [32] = "confirmedAuditNotification",
    [33] = "auditLogQuery",
};

static const char *const unconfirmed_names[15] = {
    [0] = "i-Am",
    [1] = "i-Have",
    [2] = "unconfirmedCOVNotification",
    [3] = "unconfirmedEventNotification",
    [4] = "unconfirmedPrivateTransfer",
    [5] = "unconfirmedTextMessage",
    [6] = "timeSynchronization",
    [7] = "who-Has",
    [8] = "who-Is",
    [9] = "utcTimeSynchronization",
    [10] = "writeGroup",
    [11] = "unconfirmedCOVNotificationMultiple",
    [12] = "unconfirmedAuditNotification",
    [13] = "who-Am-I",
    [14] = "you-Are",
};

static const char *const network_message_names[20] = {
    [0] = "who-is-router-to-network",
    [1] = "i-am-router-to-network",
    [2] = "i-could-be-router-to-network",
    [3] = "reject-message-to-network",
    [4] = "router-busy-to-network",
    [5] = "router-available-to-network",
    [6] = "initialize-routing-table",
    [7] = "initialize-routing-table-ack",
    [8] = "establish-connection-to-network",
    [9] = "disconnect-connection-to-network",
    [10] = "challenge-request",
    [11] = "security-payload",
    [12] = "security-response",
    [13] = "request-key-update",
    [14] = "update-key-set",
    [15] = "update-distribution-key",
    [16] = "request-master-key",
    [17] = "set-master-key",
    [18] = "what-is-network-number",
    [19] = "network-number-is",
};

static const char *pick(const char *const *t, size_t n, uint32_t i)
{
	return i < n ? t[i] : NULL;
}

const char *bacnet_bvlc_function_name(uint8_t f)
{
	return pick(bvlc_names, N_OF(bvlc_names), f);
}

const char *bacnet_pdu_type_name(uint8_t t)
{
	return pick(pdu_type_names, N_OF(pdu_type_names), t);
}

const char *bacnet_confirmed_service_name(uint8_t s)
{
	return pick(confirmed_names, N_OF(confirmed_names), s);
}

const char *bacnet_unconfirmed_service_name(uint8_t s)
{
	return pick(unconfirmed_names, N_OF(unconfirmed_names), s);
}

const char *bacnet_service_name(uint8_t pdu_type, uint8_t service)
{
	return pdu_type == BACNET_PDU_UNCONFIRMED ? bacnet_unconfirmed_service_name(service)
						  : bacnet_confirmed_service_name(service);
}

const char *bacnet_object_type_name(uint16_t t)
{
	return pick(object_type_names, N_OF(object_type_names), t);
}

const char *bacnet_property_name(uint32_t p)
{
	return pick(property_names, N_OF(property_names), p);
}

const char *bacnet_network_message_name(uint8_t t)
{
	return pick(network_message_names, N_OF(network_message_names), t);
}

/* Equal when case, '-' and '_' are ignored. */
static bool name_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-' || *a == '_')
			a++;
		while (*b == '-' || *b == '_')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
}

static int64_t find(const char *const *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] != NULL && name_eq(t[i], name))
			return (int64_t)i;
	return -1;
}

int bacnet_confirmed_service_by_name(const char *name)
{
	return (int)find(confirmed_names, N_OF(confirmed_names), name);
}

int bacnet_unconfirmed_service_by_name(const char *name)
{
	return (int)find(unconfirmed_names, N_OF(unconfirmed_names), name);
}

int bacnet_pdu_type_by_name(const char *name)
{
	return (int)find(pdu_type_names, N_OF(pdu_type_names), name);
}

int bacnet_object_type_by_name(const char *name)
{
	return (int)find(object_type_names, N_OF(object_type_names), name);
}

int64_t bacnet_property_by_name(const char *name)
{
	return find(property_names, N_OF(property_names), name);
}
