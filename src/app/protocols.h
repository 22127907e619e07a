/*
 * protocols.h — the one table of application protocols.
 *
 * One line per protocol: X(ID, descriptor).  The descriptor (struct
 * app_protocol, app/app.h) is defined in the protocol's own file,
 * app/<name>.c; this list gives it its id (APP_PROTO_<ID>) and its place
 * in recognition: pattern probes are tried in this order, then port
 * probes in this order.  Adding a protocol touches its own files and one
 * line here, nothing else in app/.
 */
#ifndef VIGIL_APP_PROTOCOLS_H
#define VIGIL_APP_PROTOCOLS_H

#define APP_PROTOCOLS(X)                                                                           \
	X(HTTP, app_http)                                                                          \
	X(TLS, app_tls)                                                                            \
	X(DNS, app_dns)                                                                            \
	X(SMTP, app_smtp)                                                                          \
	X(FTP, app_ftp)                                                                            \
	X(SMB, app_smb)                                                                            \
	X(SSH, app_ssh)                                                                            \
	X(ENIP, app_enip)                                                                          \
	X(KRB5, app_krb5)                                                                          \
	X(RDP, app_rdp)                                                                            \
	X(DCERPC, app_dcerpc)                                                                      \
	X(DNP3, app_dnp3)                                                                          \
	X(MODBUS, app_modbus)                                                                      \
	X(HL7, app_hl7)                                                                            \
	X(DICOM, app_dicom)                                                                        \
	X(STRATUM, app_stratum)                                                                    \
	X(BACNET, app_bacnet)                                                                      \
	X(IEC104, app_iec104)                                                                      \
	X(S7COMM, app_s7comm)                                                                      \
	X(MMS, app_mms)                                                                            \
	X(FTPDATA, app_ftpdata)                                                                    \
	X(TFTP, app_tftp)                                                                          \
	X(POP3, app_pop3)                                                                          \
	X(IMAP, app_imap)                                                                          \
	X(PGSQL, app_pgsql)                                                                        \
	X(SIP, app_sip)                                                                            \
	X(MQTT, app_mqtt)                                                                          \
	/* one line per protocol above, each ending in a backslash */

#endif
