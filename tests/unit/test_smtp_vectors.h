/*
 * test_smtp_vectors.h — real SMTP sessions (each direction's TCP payload
 * in order), taken with tshark from captures in ../shared:
 *   eicar_ts / eicar_tc   suricata-verify smtp-attachment-md5/input.pcap
 *                         (DATA, a multipart mail with the EICAR file)
 *   bdat_ts / bdat_tc     suricata-verify smtp-bdat-multichunk-inspection
 *                         (a mail in two BDAT chunks, then one by DATA)
 */
#ifndef TEST_SMTP_VECTORS_H
#define TEST_SMTP_VECTORS_H

#include <stdint.h>

static const uint8_t eicar_ts[] =
    "HELO linuxbox\r\n"
    "MAIL FROM:<gavin.shrubbery@gmail.com>\r\n"
    "RCPT TO:<172.16.92.2@linuxbox>\r\n"
    "DATA\r\n"
    "Date: Fri, 21 Apr 2023 05:10:36 +0000\r\n"
    "From: Gavin Shrubbery <gavin.shrubbery@gmail.com>\r\n"
    "To: 172.16.92.2@linuxbox\r\n"
    "Subject: This is a test email\r\n"
    "Message-ID: <ZEIazHR6Rlh4UY5I@linuxbox>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"+JkeulXSMdZ4oEDQ\"\r\n"
    "Content-Disposition: inline\r\n"
    "\r\n"
    "\r\n"
    "--+JkeulXSMdZ4oEDQ\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Disposition: inline\r\n"
    "\r\n"
    "This is a test email\r\n"
    "\r\n"
    "--+JkeulXSMdZ4oEDQ\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Disposition: attachment; filename=EICAR-Test-File\r\n"
    "\r\n"
    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\r\n"
    "--+JkeulXSMdZ4oEDQ--\r\n"
    ".\r\n"
    "QUIT\r\n";

static const uint8_t eicar_tc[] =
    "220 linuxbox -- E-MailRelay V2.1a -- Service ready\r\n"
    "250 OK\r\n"
    "250 OK\r\n"
    "250 OK\r\n"
    "354 start mail input -- end with <CRLF>.<CRLF>\r\n"
    "250 OK\r\n"
    "221 OK\r\n";

static const uint8_t bdat_ts[] =
    "EHLO client.example.com\r\n"
    "MAIL FROM:<a@example.com>\r\n"
    "RCPT TO:<b@example.com>\r\n"
    "BDAT 79\r\n"
    "Subject: first mail chunk one\r\n"
    "From: a@example.com\r\n"
    "\r\n"
    "body-part-one-padding-1\r\n"
    "BDAT 44 LAST\r\n"
    "body-part-two GOODCHUNK padding-x\r\n"
    "tail-42\r\n"
    "MAIL FROM:<evil@example.com>\r\n"
    "RCPT TO:<victim@example.com>\r\n"
    "DATA\r\n"
    "Subject: SECOND-MAIL-MARKER\r\n"
    "\r\n"
    "SECONDBODY\r\n"
    ".\r\n"
    "QUIT\r\n";

static const uint8_t bdat_tc[] =
    "220 mail.example.com ESMTP\r\n"
    "250-mail.example.com\r\n"
    "250-CHUNKING\r\n"
    "250 OK\r\n"
    "250 OK\r\n"
    "250 OK\r\n"
    "250 79 octets received\r\n"
    "250 message accepted\r\n"
    "250 OK\r\n"
    "250 OK\r\n"
    "354 go\r\n"
    "250 queued\r\n";

#endif
