/*
 * scenario-hospital-ransomware — a ransomware intrusion at a regional
 * hospital (St Mary's, 10.20.0.0/16), over ten minutes of a working
 * morning.  A nurse's workstation downloads a fake invoice executable, the
 * implant beacons to its C2 over HTTPS (Cobalt Strike's WinINet JA3 and
 * team-server JA3S) and HTTP (default malleable profile), the operator
 * sprays RDP credentials at the terminal server, copies a service binary
 * to a radiology workstation's ADMIN$ share, exfiltrates to MEGA cloud
 * storage with rclone, then encrypts the clinical share over SMB2 (read,
 * overwrite with ciphertext, rename to .akira) and drops ransom notes.
 * The "novel" variant is the same intrusion by a family no signature
 * names (its own extension and note name) that first deletes the file
 * server's shadow copies through a remote service (svcctl over SMB2), so
 * that only behaviour can catch it.
 * Benign throughout: HL7 ADT/ORU over MLLP, DICOM C-ECHO/C-STORE from the
 * CT scanner to PACS, clinicians browsing, and ordinary file-share reads.
 */
#include <stdio.h>
#include <string.h>

#include "scenario/proto.h"
#include "scenario/scenarios.h"

/* What one ransomware family leaves behind. */
struct ransom_family {
	const char *ext;      /* appended to encrypted files */
	const char *note;     /* the ransom note's file name */
	const char *text;     /* its text, before the victim's code */
	bool destroy_backups; /* shadow copies deleted through a remote service first */
};

static const struct ransom_family akira = {
    ".akira", "akira_readme.txt",
    "Hello,\r\n\r\nIf you are reading this, the internal infrastructure of your "
    "organisation is fully or partially down and all the backups we could reach "
    "- virtual and physical - have been deleted. Before the encryption we also "
    "copied a large amount of your data.\r\n\r\nDo not rename or modify the "
    "encrypted files. To agree on recovery, contact us in our Tor chat with the "
    "code below.\r\n\r\nYour code: ",
    false};
static const struct ransom_family novel = {
    ".q7vx2", "RESTORE-MY-FILES.txt",
    "ATTENTION!\r\n\r\nYour documents, images and databases are locked with a "
    "strong algorithm. Only we hold the key that unlocks them.\r\n\r\nTo get "
    "it, write to q7vx2-support@example.net and quote this identifier: ",
    true};

struct hospital {
	struct sc_host nurse, dc, fs, ts, radws, hl7eng, ehr, ct, pacs, clerk;
	struct sc_host dropper, c2, mega;
};

static void hospital_hosts(struct sc_ctx *c, struct hospital *h)
{
	struct sc_rng *r = &c->rng;
	sc_host_init(&h->nurse, r, "ws-icu-nurse03.stmarys.local", "10.20.14.37", NULL, 128);
	sc_host_init(&h->clerk, r, "ws-admissions07.stmarys.local", "10.20.14.52", NULL, 128);
	sc_host_init(&h->dc, r, "dc01.stmarys.local", "10.20.1.10", NULL, 128);
	sc_host_init(&h->fs, r, "fs01.stmarys.local", "10.20.1.21", NULL, 128);
	sc_host_init(&h->ts, r, "ts01.stmarys.local", "10.20.1.30", NULL, 128);
	sc_host_init(&h->radws, r, "ws-rad-reading02.stmarys.local", "10.20.15.12", NULL, 128);
	sc_host_init(&h->hl7eng, r, "hl7-engine.stmarys.local", "10.20.5.10", NULL, 64);
	sc_host_init(&h->ehr, r, "ehr-app01.stmarys.local", "10.20.5.20", NULL, 64);
	sc_host_init(&h->ct, r, "ct-scanner01.stmarys.local", "10.20.30.11", NULL, 64);
	sc_host_init(&h->pacs, r, "pacs01.stmarys.local", "10.20.30.5", NULL, 64);
	sc_host_init(&h->dropper, r, "files.medsupply-invoices.com", "203.0.113.45", sc_gateway_mac,
		     49);
	sc_host_init(&h->c2, r, "198.51.100.23", "198.51.100.23", sc_gateway_mac, 47);
	sc_host_init(&h->mega, r, "gfs270n091.userstorage.mega.co.nz", "203.0.113.150",
		     sc_gateway_mac, 51);
}

/* A plausible Windows executable: DOS header and stub, PE header, then packed bytes. */
static void fake_pe(struct sc_buf *b, struct sc_rng *r, size_t size)
{
	size_t start = b->len;
	sc_buf_put(b, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", 16);
	sc_buf_put(b, "\xb8\x00\x00\x00\x00\x00\x00\x00\x40\x00\x00\x00\x00\x00\x00\x00", 16);
	sc_buf_zero(b, 28);
	sc_buf_le32(b, 0x80); /* e_lfanew */
	sc_buf_put(b, "\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21", 14);
	sc_buf_puts(b, "This program cannot be run in DOS mode.\r\r\n$");
	while (b->len - start < 0x80)
		sc_buf_u8(b, 0);
	sc_buf_put(b, "PE\0\0", 4);
	sc_buf_le16(b, 0x8664); /* AMD64 */
	sc_buf_le16(b, 5);
	sc_buf_le32(b, 0x65e8a3c1);
	sc_buf_le32(b, 0);
	sc_buf_le32(b, 0);
	sc_buf_le16(b, 240);
	sc_buf_le16(b, 0x0022);
	sc_buf_le16(b, 0x020b); /* PE32+ */
	if (size > b->len - start)
		sc_buf_rand(b, r, size - (b->len - start));
}

static void step_phishing(struct sc_ctx *c, struct hospital *h, uint64_t t)
{
	sc_step_begin(c, "phish-download",
		      "user follows an e-mailed link and downloads a fake "
		      "invoice executable over HTTP",
		      true, "T1566.002");
	struct dns_rr a = {.type = DNS_A, .ttl = 60, .addr = "203.0.113.45"};
	t = sc_dns_lookup(c, t, &h->nurse, &h->dc, "files.medsupply-invoices.com", DNS_A, &a, 1);
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &h->nurse, sc_host_port(&h->nurse), &h->dropper, 80, t + 300, 0);
	struct sc_buf req, resp, body;
	sc_buf_init(&req);
	sc_buf_init(&resp);
	sc_buf_init(&body);
	proto_http_request(&req, "GET", "files.medsupply-invoices.com",
			   "/d/INV-20260310-4471/Invoice_March_2026.pdf.exe",
			   "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
			   "like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
			   "Referer: https://outlook.office.com/\r\n", NULL, NULL, 0);
	fake_pe(&body, &c->rng, 287744);
	proto_http_response(&resp, c->t0_us + s.t, 200, "OK", "Apache/2.4.41 (Ubuntu)",
			    "Content-Disposition: attachment; "
			    "filename=\"Invoice_March_2026.pdf.exe\"\r\n",
			    "application/octet-stream", body.b, body.len);
	sc_http_exchange(&s, &req, &resp);
	sc_tcp_close(&s, SC_C2S);
	sc_buf_free(&req);
	sc_buf_free(&resp);
	sc_buf_free(&body);
}

static void step_beacon_tls(struct sc_ctx *c, struct hospital *h, uint64_t t, uint64_t t_end)
{
	sc_step_begin(c, "c2-beacon-https",
		      "implant beacons to its C2 over HTTPS (WinINet JA3 72a589da..., "
		      "team-server JA3S fd4bc6ce...)",
		      true, "T1071.001");
	while (t < t_end) {
		struct sc_tcp s;
		sc_tcp_connect(&s, c, &h->nurse, sc_host_port(&h->nurse), &h->c2, 443, t, 0);
		struct tls_session_plan p = {
		    .client = &tls_profile_schannel_beacon,
		    .cert_cn = "outlook-cdn-sync.com",
		    .cert_org = "Microsoft Corporation",
		    .server_cipher = 0xc030,
		    .rounds = 1,
		    .req_bytes = 180,
		    .resp_bytes = 48,
		};
		sc_tls_session(&s, &p);
		sc_tcp_close(&s, SC_C2S);
		t += 60 * SC_SEC + sc_rng_below(&c->rng, 12 * SC_SEC) - 6 * SC_SEC; /* 10% jitter */
	}
}

static void base64(struct sc_buf *b, const uint8_t *p, size_t n)
{
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		sc_buf_u8(b, (uint8_t)tbl[v >> 18]);
		sc_buf_u8(b, (uint8_t)tbl[(v >> 12) & 63]);
		sc_buf_u8(b, (uint8_t)(i + 1 < n ? tbl[(v >> 6) & 63] : '='));
		sc_buf_u8(b, (uint8_t)(i + 2 < n ? tbl[v & 63] : '='));
	}
}

static void step_beacon_http(struct sc_ctx *c, struct hospital *h, uint64_t t, uint64_t t_end)
{
	sc_step_begin(c, "c2-beacon-http",
		      "implant checks in over HTTP: periodic GET with encrypted metadata "
		      "in the Cookie, POST of task output",
		      true, "T1071.001");
	static const char *ua =
	    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0; LBBROWSER)";
	unsigned n = 0;
	while (t < t_end) {
		struct sc_tcp s;
		sc_tcp_connect(&s, c, &h->nurse, sc_host_port(&h->nurse), &h->c2, 80, t, 0);
		struct sc_buf req, resp, hdr, meta, body;
		sc_buf_init(&req);
		sc_buf_init(&resp);
		sc_buf_init(&hdr);
		sc_buf_init(&meta);
		sc_buf_init(&body);
		uint8_t raw[128];
		sc_rng_bytes(&c->rng, raw, sizeof(raw));
		base64(&meta, raw, sizeof(raw));
		sc_buf_puts(&hdr, "Cookie: ");
		sc_buf_put(&hdr, meta.b, meta.len);
		sc_buf_puts(&hdr, "\r\n");
		sc_buf_u8(&hdr, 0);
		static const char *uris[] = {"/__utm.gif", "/pixel.gif", "/ga.js", "/dpixel"};
		proto_http_request(&req, "GET", "198.51.100.23", uris[n % 4], ua,
				   (const char *)hdr.b, NULL, NULL, 0);
		if (n % 3 == 1)
			sc_buf_rand(&body, &c->rng, 48 + 16 * sc_rng_below(&c->rng, 20));
		proto_http_response(&resp, c->t0_us + s.t, 200, "OK", NULL, NULL,
				    "application/octet-stream", body.b, body.len);
		sc_http_exchange(&s, &req, &resp);
		if (body.len) {
			/* A task arrived: its output goes back with POST /submit.php. */
			sc_buf_reset(&req);
			sc_buf_reset(&resp);
			sc_buf_reset(&body);
			sc_buf_rand(&body, &c->rng, 2000 + sc_rng_below(&c->rng, 6000));
			char uri[64];
			snprintf(uri, sizeof(uri), "/submit.php?id=%u",
				 (unsigned)sc_rng_range(&c->rng, 100000000, 999999999));
			sc_tcp_wait(&s, sc_think(&c->rng, 500, 3000));
			proto_http_request(&req, "POST", "198.51.100.23", uri, ua, NULL,
					   "application/octet-stream", body.b, body.len);
			proto_http_response(&resp, c->t0_us + s.t, 200, "OK", NULL, NULL,
					    "text/html", NULL, 0);
			sc_http_exchange(&s, &req, &resp);
		}
		sc_tcp_close(&s, SC_C2S);
		sc_buf_free(&req);
		sc_buf_free(&resp);
		sc_buf_free(&hdr);
		sc_buf_free(&meta);
		sc_buf_free(&body);
		n++;
		t += 45 * SC_SEC + sc_rng_below(&c->rng, 30 * SC_SEC);
	}
}

static void step_rdp_spray(struct sc_ctx *c, struct hospital *h, uint64_t t)
{
	sc_step_begin(c, "rdp-bruteforce",
		      "password spraying against the terminal server over RDP (NLA), many short "
		      "failed connections",
		      true, "T1110.003");
	static const char *users[] = {"administrator", "admin",	    "svc_backup", "scanner",
				      "helpdesk",      "pacsadmin", "test",	  "nurse"};
	for (unsigned i = 0; i < 36; i++) {
		struct sc_tcp s;
		sc_tcp_connect(&s, c, &h->nurse, sc_host_port(&h->nurse), &h->ts, 3389, t, 0);
		sc_rdp_connect_attempt(&s, users[i % 8], true);
		sc_tcp_wait(&s, sc_rng_range(&c->rng, 20 * SC_MS, 90 * SC_MS));
		sc_tcp_close(&s, SC_S2C);
		t = s.t + sc_rng_range(&c->rng, 600 * SC_MS, 2500 * SC_MS);
	}
	sc_step_begin(c, "rdp-logon", "successful RDP logon with a sprayed service account", true,
		      "T1021.001");
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &h->nurse, sc_host_port(&h->nurse), &h->ts, 3389, t, 0);
	sc_rdp_connect_attempt(&s, "svc_backup", true);
	uint8_t frame[1200];
	for (unsigned i = 0; i < 60; i++) {
		size_t n = (size_t)sc_rng_range(&c->rng, 200, sizeof(frame));
		sc_rng_bytes(&c->rng, frame, n);
		frame[0] = 0x17, frame[1] = 3, frame[2] = 3;
		frame[3] = (uint8_t)((n - 5) >> 8), frame[4] = (uint8_t)(n - 5);
		sc_tcp_send(&s, i % 3 ? SC_S2C : SC_C2S, frame, n);
		sc_tcp_wait(&s, sc_rng_range(&c->rng, 30 * SC_MS, 400 * SC_MS));
	}
	sc_tcp_close(&s, SC_C2S);
}

static void step_lateral(struct sc_ctx *c, struct hospital *h, uint64_t t)
{
	sc_step_begin(c, "lateral-smb-admin-share",
		      "service binary copied to a radiology workstation's ADMIN$ share over SMB2 "
		      "(PsExec-style lateral movement)",
		      true, "T1021.002");
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &h->nurse, sc_host_port(&h->nurse), &h->radws, 445, t, 0);
	struct smb2_client *cl = smb2_client_new(&s, "STMARYS", "svc_backup", "WS-ICU-NURSE03");
	if (!cl)
		return;
	smb2_negotiate_and_login(cl, true);
	smb2_tree_connect(cl, "\\\\10.20.15.12\\ADMIN$");
	int f = smb2_create(cl, "PSEXESVC.exe", true, false);
	struct sc_buf pe;
	sc_buf_init(&pe);
	fake_pe(&pe, &c->rng, 195072);
	smb2_write(cl, f, pe.b, pe.len);
	smb2_close(cl, f);
	smb2_logoff(cl);
	smb2_client_free(cl);
	sc_buf_free(&pe);
	sc_tcp_close(&s, SC_C2S);
}

static void step_exfil(struct sc_ctx *c, struct hospital *h, uint64_t t)
{
	sc_step_begin(c, "exfil-cloud-storage",
		      "bulk upload of archived patient records to MEGA cloud storage (rclone)",
		      true, "T1567.002");
	struct dns_rr rr[] = {{.type = DNS_A, .ttl = 120, .addr = "203.0.113.150"}};
	t = sc_dns_lookup(c, t, &h->nurse, &h->dc, "gfs270n091.userstorage.mega.co.nz", DNS_A, rr,
			  1);
	for (unsigned i = 0; i < 2; i++) {
		struct sc_tcp s;
		sc_tcp_connect(&s, c, &h->nurse, sc_host_port(&h->nurse), &h->mega, 443, t + 500,
			       0);
		struct tls_session_plan p = {
		    .client = &tls_profile_go,
		    .sni = "gfs270n091.userstorage.mega.co.nz",
		    .cert_cn = "*.userstorage.mega.co.nz",
		    .server_cipher = 0x1301,
		    .tls13 = true,
		    .rounds = 6,
		    .req_bytes = 700000,
		    .resp_bytes = 90,
		    .think_ms = 20,
		};
		sc_tls_session(&s, &p);
		sc_tcp_close(&s, SC_C2S);
		t = s.t + sc_rng_range(&c->rng, SC_SEC, 4 * SC_SEC);
	}
}

static const char *clinical_files[] = {
    "Oncology\\Treatment_Plans_Q1.docx",  "Oncology\\Chemo_Schedule_March.xlsx",
    "Cardiology\\Echo_Reports_2026.docx", "Cardiology\\Cath_Lab_Rota.xlsx",
    "ICU\\Bed_Management.xlsx",		  "ICU\\Ventilator_Inventory.xlsx",
    "Pharmacy\\Formulary_2026.xlsx",	  "Pharmacy\\Controlled_Drugs_Log.xlsx",
    "Surgery\\Theatre_List_Week11.docx",  "Surgery\\Consent_Templates.docx",
    "Radiology\\Reporting_Backlog.xlsx",  "Emergency\\Triage_Protocol_v7.docx",
};

/*
 * Opens an SMB2 session as the stolen service account on the clinical share.
 * By IP address, as the encryptor's network scan found it: that is also why
 * Windows authenticates with NTLM rather than Kerberos here.
 */
static struct smb2_client *clinical_share(struct sc_ctx *c, struct hospital *h, struct sc_tcp *s,
					  uint64_t t)
{
	sc_tcp_connect(s, c, &h->nurse, sc_host_port(&h->nurse), &h->fs, 445, t, 0);
	struct smb2_client *cl = smb2_client_new(s, "STMARYS", "svc_backup", "WS-ICU-NURSE03");
	if (!cl)
		return NULL;
	smb2_negotiate_and_login(cl, true);
	smb2_tree_connect(cl, "\\\\10.20.1.21\\Clinical");
	return cl;
}

static void clinical_share_close(struct smb2_client *cl, struct sc_tcp *s)
{
	smb2_logoff(cl);
	smb2_client_free(cl);
	sc_tcp_close(s, SC_C2S);
}

#define NFILES (sizeof(clinical_files) / sizeof(clinical_files[0]))

static const char *const top_dirs[] = {"Archive",  "Cardiology", "Emergency", "ICU",
				       "Oncology", "Pharmacy",	 "Radiology", "Surgery"};

/* Ransomware walks the tree before encrypting: the root, then each folder. */
static void enumerate_share(struct smb2_client *cl)
{
	size_t ndirs = sizeof(top_dirs) / sizeof(top_dirs[0]);
	int root = smb2_create(cl, "", false, true);
	smb2_list_dir(cl, root, top_dirs, ndirs);
	smb2_close(cl, root);
	for (size_t i = 1; i < ndirs; i++) {
		const char *names[NFILES];
		size_t n = 0, dl = strlen(top_dirs[i]);
		for (size_t k = 0; k < NFILES; k++)
			if (!strncmp(clinical_files[k], top_dirs[i], dl) &&
			    clinical_files[k][dl] == '\\')
				names[n++] = clinical_files[k] + dl + 1;
		int d = smb2_create(cl, top_dirs[i], false, true);
		smb2_list_dir(cl, d, names, n);
		smb2_close(cl, d);
	}
}

/* Each file: read it, overwrite it with ciphertext plus a key footer, rename it. */
static void encrypt_files(struct sc_ctx *c, struct smb2_client *cl, const struct ransom_family *fam)
{
	static const char *const prefix[] = {"", "Archive\\2025\\", "Archive\\2024\\"};
	struct sc_buf data;
	sc_buf_init(&data);
	for (unsigned i = 0; i < 3 * NFILES; i++) {
		char path[160], renamed[180];
		snprintf(path, sizeof(path), "%s%s", prefix[i / NFILES],
			 clinical_files[i % NFILES]);
		snprintf(renamed, sizeof(renamed), "%s%s", path, fam->ext);
		int f = smb2_create(cl, path, false, false);
		size_t size = (size_t)sc_rng_range(&c->rng, 12000, 90000);
		smb2_read(cl, f, size);
		sc_buf_reset(&data);
		sc_buf_rand(&data, &c->rng, size + 534);
		smb2_write(cl, f, data.b, data.len);
		smb2_rename(cl, f, renamed);
		smb2_close(cl, f);
	}
	sc_buf_free(&data);
}

static uint64_t step_encrypt(struct sc_ctx *c, struct hospital *h, uint64_t t,
			     const struct ransom_family *fam)
{
	char what[160];
	snprintf(what, sizeof(what),
		 "files on the clinical share enumerated, read, overwritten with ciphertext "
		 "and renamed to %s over SMB2",
		 fam->ext);
	sc_step_begin(c, "encrypt-share", what, true, "T1486");
	struct sc_tcp s;
	struct smb2_client *cl = clinical_share(c, h, &s, t);
	if (!cl)
		return t;
	enumerate_share(cl);
	encrypt_files(c, cl, fam);
	clinical_share_close(cl, &s);
	return s.t;
}

/* The note dropper runs as its own thread: a second SMB session. */
static void step_ransom_note(struct sc_ctx *c, struct hospital *h, uint64_t t,
			     const struct ransom_family *fam)
{
	char what[160];
	snprintf(what, sizeof(what), "ransom note %s written to every folder of the share",
		 fam->note);
	sc_step_begin(c, "ransom-note", what, true, "T1486");
	struct sc_tcp s;
	struct smb2_client *cl = clinical_share(c, h, &s, t);
	if (!cl)
		return;
	struct sc_buf note;
	sc_buf_init(&note);
	sc_buf_puts(&note, fam->text);
	for (int i = 0; i < 24; i++)
		sc_buf_printf(&note, "%c", "0123456789ABCDEF"[sc_rng_below(&c->rng, 16)]);
	sc_buf_puts(&note, "\r\n");
	for (size_t i = 0; i < sizeof(top_dirs) / sizeof(top_dirs[0]) + 1; i++) {
		char path[96];
		snprintf(path, sizeof(path), "%s%s%s", i ? top_dirs[i - 1] : "", i ? "\\" : "",
			 fam->note);
		int f = smb2_create(cl, path, true, false);
		smb2_write(cl, f, note.b, note.len);
		smb2_close(cl, f);
	}
	sc_buf_free(&note);
	clinical_share_close(cl, &s);
}

static void bg_hl7(struct sc_ctx *c, struct hospital *h, uint64_t t_end)
{
	sc_step_begin(c, "hl7-interface",
		      "interface engine sends ADT and lab results to the EHR "
		      "over HL7/MLLP",
		      false, NULL);
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &h->hl7eng, sc_host_port(&h->hl7eng), &h->ehr, 2575, SC_SEC, 0);
	unsigned n = 1;
	uint64_t gap = 6 * SC_SEC / c->scale;
	while (s.t < t_end) {
		sc_hl7_message(&s, &c->rng, c->t0_us + s.t, n % 3 ? "ORU" : "ADT", n);
		n++;
		sc_tcp_wait(&s, gap / 2 + sc_rng_below(&c->rng, gap));
	}
	sc_tcp_close(&s, SC_C2S);
}

static void bg_dicom(struct sc_ctx *c, struct hospital *h, uint64_t t_end)
{
	sc_step_begin(c, "dicom-imaging",
		      "CT scanner verifies and stores studies on PACS over "
		      "DICOM",
		      false, NULL);
	uint64_t t = 5 * SC_SEC;
	unsigned i = 0;
	while (t < t_end) {
		struct sc_tcp s;
		sc_tcp_connect(&s, c, &h->ct, sc_host_port(&h->ct), &h->pacs, 104, t, 0);
		sc_dicom_association(&s, &c->rng, "CT01_SCANNER", "PACS_STMARYS", i % 2 == 1,
				     131072);
		sc_tcp_close(&s, SC_C2S);
		t = s.t + (40 + sc_rng_below(&c->rng, 40)) * SC_SEC / c->scale;
		i++;
	}
}

/* How Office saves a document on a share: new content to a temp file, then two renames. */
static void office_save(struct sc_ctx *c, struct smb2_client *cl, const char *path)
{
	char dir[96], tmp_new[128], tmp_old[128];
	const char *slash = strrchr(path, '\\');
	size_t dl = slash ? (size_t)(slash - path + 1) : 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)dl, path);
	snprintf(tmp_new, sizeof(tmp_new), "%s~WRD%04u.tmp", dir,
		 (unsigned)sc_rng_range(&c->rng, 1, 9999));
	snprintf(tmp_old, sizeof(tmp_old), "%s~WRL%04u.tmp", dir,
		 (unsigned)sc_rng_range(&c->rng, 1, 9999));
	struct sc_buf doc;
	sc_buf_init(&doc);
	sc_buf_put(&doc, "PK\x03\x04\x14\x00\x06\x00", 8);
	sc_buf_rand(&doc, &c->rng, (size_t)sc_rng_range(&c->rng, 15000, 45000));
	int f = smb2_create(cl, tmp_new, true, false);
	smb2_write(cl, f, doc.b, doc.len);
	smb2_close(cl, f);
	f = smb2_create(cl, path, false, false);
	smb2_rename(cl, f, tmp_old);
	smb2_close(cl, f);
	f = smb2_create(cl, tmp_new, false, false);
	smb2_rename(cl, f, path);
	smb2_close(cl, f);
	sc_buf_free(&doc);
}

/* One user's working sessions on the share: open a few documents, save one. */
static void fileshare_user(struct sc_ctx *c, struct hospital *h, struct sc_host *ws,
			   const char *user, const char *wsname, uint64_t t, uint64_t t_end,
			   uint64_t period)
{
	while (t < t_end) {
		struct dns_rr a = {.type = DNS_A, .ttl = 1200, .addr = "10.20.1.21"};
		t = sc_dns_lookup(c, t, ws, &h->dc, "fs01.stmarys.local", DNS_A, &a, 1);
		struct sc_tcp s;
		sc_tcp_connect(&s, c, ws, sc_host_port(ws), &h->fs, 445, t + 200, 0);
		struct smb2_client *cl = smb2_client_new(&s, "STMARYS", user, wsname);
		if (!cl)
			return;
		smb2_negotiate_and_login(cl, true);
		smb2_tree_connect(cl, "\\\\fs01.stmarys.local\\Clinical");
		for (unsigned k = 0; k < 3; k++) {
			const char *p = clinical_files[sc_rng_below(&c->rng, 12)];
			int f = smb2_create(cl, p, false, false);
			smb2_read(cl, f, (size_t)sc_rng_range(&c->rng, 8000, 60000));
			sc_tcp_wait(&s, sc_think(&c->rng, 2000, 9000));
			smb2_close(cl, f);
		}
		office_save(c, cl, clinical_files[sc_rng_below(&c->rng, 12)]);
		smb2_logoff(cl);
		smb2_client_free(cl);
		sc_tcp_close(&s, SC_C2S);
		t = s.t + period / 2 + sc_rng_below(&c->rng, period);
	}
}

/* More scale means more staff on the share, not one clerk saving faster. */
static void bg_fileshare(struct sc_ctx *c, struct hospital *h, uint64_t t_end)
{
	sc_step_begin(c, "fileshare-use",
		      "admissions and ward staff open and save documents on the clinical share",
		      false, NULL);
	static const char *users[] = {"j.okafor", "m.rossi",   "a.tanaka",   "l.martin",
				      "s.silva",  "e.johnson", "p.kowalski", "h.nguyen"};
	unsigned n = c->scale < 8 ? c->scale : 8;
	uint64_t period = 80 * SC_SEC * n / c->scale;
	fileshare_user(c, h, &h->clerk, users[0], "WS-ADMISSIONS07", 20 * SC_SEC, t_end, period);
	for (unsigned k = 1; k < n; k++) {
		struct sc_host ws;
		char addr[32], name[64], nb[32];
		snprintf(addr, sizeof(addr), "10.20.14.%u", 60 + k);
		snprintf(name, sizeof(name), "ws-ward%02u.stmarys.local", k);
		snprintf(nb, sizeof(nb), "WS-WARD%02u", k);
		sc_host_init(&ws, &c->rng, NULL, addr, NULL, 128);
		ws.name = name;
		fileshare_user(c, h, &ws, users[k], nb, (20 + 7 * k) * SC_SEC, t_end, period);
	}
}

/* Before encrypting, the operator deletes the file server's shadow copies
 * and backup catalogue by creating and starting a service remotely. */
static void step_destroy_backups(struct sc_ctx *c, struct hospital *h, uint64_t t)
{
	sc_step_begin(c, "delete-shadow-copies",
		      "a service created remotely on the file server over SMB2 (svcctl) runs "
		      "vssadmin and wbadmin to delete shadow copies and the backup catalogue",
		      true, "T1490");
	struct sc_tcp s;
	sc_tcp_connect(&s, c, &h->nurse, sc_host_port(&h->nurse), &h->fs, 445, t, 0);
	struct smb2_client *cl = smb2_client_new(&s, "STMARYS", "svc_backup", "WS-ICU-NURSE03");
	if (!cl)
		return;
	smb2_negotiate_and_login(cl, true);
	smb2_tree_connect(cl, "\\\\10.20.1.21\\IPC$");
	svcctl_run_service(cl, "WinDefUpd",
			   "cmd.exe /c vssadmin.exe Delete Shadows /All /Quiet & wbadmin DELETE "
			   "SYSTEMSTATEBACKUP -deleteOldest & bcdedit /set {default} "
			   "recoveryenabled No");
	smb2_logoff(cl);
	smb2_client_free(cl);
	sc_tcp_close(&s, SC_C2S);
}

static int build(struct sc_ctx *c, const struct ransom_family *fam)
{
	struct hospital h;
	hospital_hosts(c, &h);
	const uint64_t end = 600 * SC_SEC;
	static const struct sc_site sites[] = {
	    {"www.uptodate.com", "198.51.100.140"},
	    {"outlook.office365.com", "198.51.100.141"},
	    {"www.nice.org.uk", "203.0.113.31"},
	    {"pubmed.ncbi.nlm.nih.gov", "203.0.113.32"},
	};

	bg_hl7(c, &h, end);
	bg_dicom(c, &h, end);
	bg_fileshare(c, &h, end);
	sc_step_begin(c, "web-browsing", "clinicians browse reference and mail sites over HTTPS",
		      false, NULL);
	sc_bg_browse(c, &h.clerk, &h.dc, sites, 4, 10 * c->scale, 0, end);
	sc_bg_browse(c, &h.nurse, &h.dc, sites, 4, 4 * c->scale, 0, 25 * SC_SEC);
	sc_bg_browse(c, &h.nurse, &h.dc, sites, 4, 6 * c->scale, 60 * SC_SEC, end);

	step_phishing(c, &h, 30 * SC_SEC);
	step_beacon_tls(c, &h, 45 * SC_SEC, end);
	step_beacon_http(c, &h, 52 * SC_SEC, end);
	step_rdp_spray(c, &h, 150 * SC_SEC);
	step_lateral(c, &h, 300 * SC_SEC);
	step_exfil(c, &h, 360 * SC_SEC);
	if (fam->destroy_backups)
		step_destroy_backups(c, &h, 420 * SC_SEC);
	uint64_t t = step_encrypt(c, &h, 430 * SC_SEC, fam);
	step_ransom_note(c, &h, t + sc_think(&c->rng, 300, 1500), fam);
	sc_step_end(c);
	return c->oom ? -1 : 0;
}

int scenario_build_hospital_ransomware(struct sc_ctx *c)
{
	return build(c, &akira);
}

int scenario_build_hospital_ransomware_novel(struct sc_ctx *c)
{
	return build(c, &novel);
}
