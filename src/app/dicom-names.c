/*
 * dicom-names.c — names for DICOM numbers and UIDs: DIMSE command fields
 * (PS3.7 E.1) and the common UIDs of the registry (PS3.6 Annex A): SOP
 * classes, transfer syntaxes, the application context.  Constant tables
 * only.
 */
#include <string.h>
#include <strings.h>

#include "app/dicom.h"

static const struct {
	uint16_t field;
	const char *name;
} commands[] = {
    {0x0001, "C-STORE-RQ"},   {0x8001, "C-STORE-RSP"},	     {0x0010, "C-GET-RQ"},
    {0x8010, "C-GET-RSP"},    {0x0020, "C-FIND-RQ"},	     {0x8020, "C-FIND-RSP"},
    {0x0021, "C-MOVE-RQ"},    {0x8021, "C-MOVE-RSP"},	     {0x0030, "C-ECHO-RQ"},
    {0x8030, "C-ECHO-RSP"},   {0x0100, "N-EVENT-REPORT-RQ"}, {0x8100, "N-EVENT-REPORT-RSP"},
    {0x0110, "N-GET-RQ"},     {0x8110, "N-GET-RSP"},	     {0x0120, "N-SET-RQ"},
    {0x8120, "N-SET-RSP"},    {0x0130, "N-ACTION-RQ"},	     {0x8130, "N-ACTION-RSP"},
    {0x0140, "N-CREATE-RQ"},  {0x8140, "N-CREATE-RSP"},	     {0x0150, "N-DELETE-RQ"},
    {0x8150, "N-DELETE-RSP"}, {0x0fff, "C-CANCEL-RQ"},
};

const char *dicom_command_name(uint16_t field)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].field == field)
			return commands[i].name;
	return NULL;
}

int dicom_command_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcasecmp(commands[i].name, name) == 0)
			return commands[i].field;
	return -1;
}

static const struct {
	const char *uid;
	const char *name;
} uids[] = {
    {"1.2.840.10008.1.1", "Verification SOP Class"},
    {"1.2.840.10008.1.2", "Implicit VR Little Endian"},
    {"1.2.840.10008.1.2.1", "Explicit VR Little Endian"},
    {"1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"},
    {"1.2.840.10008.1.2.2", "Explicit VR Big Endian"},
    {"1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"},
    {"1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"},
    {"1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"},
    {"1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction"},
    {"1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression"},
    {"1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression"},
    {"1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)"},
    {"1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression"},
    {"1.2.840.10008.1.2.5", "RLE Lossless"},
    {"1.2.840.10008.3.1.1.1", "DICOM Application Context Name"},
    {"1.2.840.10008.1.20.1", "Storage Commitment Push Model SOP Class"},
    {"1.2.840.10008.3.1.2.3.3", "Modality Performed Procedure Step SOP Class"},
    {"1.2.840.10008.5.1.1.9", "Basic Grayscale Print Management Meta SOP Class"},
    {"1.2.840.10008.5.1.4.1.1.1", "Computed Radiography Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.1.1", "Digital X-Ray Image Storage - For Presentation"},
    {"1.2.840.10008.5.1.4.1.1.1.2", "Digital Mammography X-Ray Image Storage - For Presentation"},
    {"1.2.840.10008.5.1.4.1.1.2", "CT Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.2.1", "Enhanced CT Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.4", "MR Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.4.1", "Enhanced MR Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.6.1", "Ultrasound Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.7", "Secondary Capture Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.12.1", "X-Ray Angiographic Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.20", "Nuclear Medicine Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.88.11", "Basic Text SR Storage"},
    {"1.2.840.10008.5.1.4.1.1.88.22", "Enhanced SR Storage"},
    {"1.2.840.10008.5.1.4.1.1.104.1", "Encapsulated PDF Storage"},
    {"1.2.840.10008.5.1.4.1.1.128", "Positron Emission Tomography Image Storage"},
    {"1.2.840.10008.5.1.4.1.1.481.1", "RT Image Storage"},
    {"1.2.840.10008.5.1.4.1.2.1.1", "Patient Root Query/Retrieve Information Model - FIND"},
    {"1.2.840.10008.5.1.4.1.2.1.2", "Patient Root Query/Retrieve Information Model - MOVE"},
    {"1.2.840.10008.5.1.4.1.2.1.3", "Patient Root Query/Retrieve Information Model - GET"},
    {"1.2.840.10008.5.1.4.1.2.2.1", "Study Root Query/Retrieve Information Model - FIND"},
    {"1.2.840.10008.5.1.4.1.2.2.2", "Study Root Query/Retrieve Information Model - MOVE"},
    {"1.2.840.10008.5.1.4.1.2.2.3", "Study Root Query/Retrieve Information Model - GET"},
    {"1.2.840.10008.5.1.4.31", "Modality Worklist Information Model - FIND"},
};

const char *dicom_uid_name(const uint8_t *uid, uint32_t len)
{
	if (uid == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++)
		if (strlen(uids[i].uid) == len && memcmp(uids[i].uid, uid, len) == 0)
			return uids[i].name;
	return NULL;
}
