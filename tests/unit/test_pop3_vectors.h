/*
 * test_pop3_vectors.h — a real POP3 session (each direction's TCP payload
 * in order), taken with tshark from the first TCP stream of
 * ../shared/reference/captures/ntop+nDPI/tests/cfgs/default/pcap/pop3.pcap:
 * USER, PASS, LIST, UIDL, RETR 2 (a whole mail), QUIT.
 */
#ifndef TEST_POP3_VECTORS_H
#define TEST_POP3_VECTORS_H

#include <stdint.h>

static const uint8_t pop3_ts[] =
    "user cicciopernacchio@mail.com\r\n"
    "pass pippozzo\r\n"
    "list\r\n"
    "uidl\r\n"
    "retr 2\r\n"
    "quit\r\n";

static const uint8_t pop3_tc[] =
    "+OK POP server ready H migmxus005\r\n"
    "+OK password required for user \"cicciopernacchio@mail.com\"\r\n"
    "+OK mailbox \"cicciopernacchio@mail.com\" has 2 messages (17672 octets) H migmxus005\r\n"
    "+OK\r\n"
    "1 16196\r\n"
    "2 1476\r\n"
    ".\r\n"
    "+OK\r\n"
    "1 0LnyLp-1TsNI72MLw-00g8zj\r\n"
    "2 0Mhti8-1SycGg1Hjn-00MsFf\r\n"
    ".\r\n"
    "+OK\r\n"
    "Return-Path: <lorenzo.miniero@unina.it>\r\n"
    "Delivered-To: GMX delivery to cicciopernacchio@mail.com\r\n"
    "Received: (qmail invoked by alias); 09 Oct 2012 09:58:07 -0000\r\n"
    "Received: from smtp1.unina.it (EHLO smtp1.unina.it) [192.132.34.61]\r\n"
    "  by mx0.gmx.com (mx-us017) with SMTP; 09 Oct 2012 05:58:07 -0400\r\n"
    "Received: from lminiero-acer ([143.225.229.181])\r\n"
    "\011(authenticated bits=0)\r\n"
    "\011by smtp1.unina.it (8.14.4/8.14.4) with ESMTP id q999w5wC028069\r\n"
    "\011(version=TLSv1/SSLv3 cipher=DHE-RSA-AES128-SHA bits=128 verify=NO)\r\n"
    "\011for <cicciopernacchio@mail.com>; Tue, 9 Oct 2012 11:58:06 +0200\r\n"
    "Date: Tue, 9 Oct 2012 11:57:53 +0200\r\n"
    "From: Lorenzo Miniero <lorenzo.miniero@unina.it>\r\n"
    "To: cicciopernacchio@mail.com\r\n"
    "Subject: Mail importante\r\n"
    "Message-ID: <20121009115753.53a5bacd@lminiero-acer>\r\n"
    "Organization: UniNA\r\n"
    "X-Mailer: Claws Mail 3.7.8 (GTK+ 2.22.0; i386-redhat-linux-gnu)\r\n"
    "Mime-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=US-ASCII\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "X-GMX-Antivirus: 0 (no virus found)\r\n"
    "X-GMX-Antispam: 5 (BackTrace mail analyze);\r\n"
    " Detail=5D7Q89H36p4L00VTXC6D4q0N+AH0PUCnGL2vqOgpaBYL16oitsMrgPmd5OTScXXTHRJ/k\r\n"
    " f13r7//hg0LRriN7IKwq46o3kc/GDjCEavH9r4hKeXNKrHXCQ==V1;\r\n"
    "\r\n"
    "Ciao Ciccio,\r\n"
    "\r\n"
    "hai un nome ridicolo!\r\n"
    "\r\n"
    "Distinti saluti,\r\n"
    "L.\r\n"
    "\r\n"
    "-- \r\n"
    "Lorenzo Miniero, Ph.D.\r\n"
    "Dipartimento di Informatica e Sistemistica\r\n"
    "Universita' degli Studi di Napoli \"Federico II\"\r\n"
    "Via Claudio 21 -- 80125 Napoli (Italy)\r\n"
    "Phone: +390817683821 - Fax: +390817683816\r\n"
    "Email: lorenzo.miniero@unina.it\r\n"
    ".\r\n"
    "+OK POP server signing off\r\n";

#endif
