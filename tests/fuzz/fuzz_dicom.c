#define FUZZ_PROTOCOL app_dicom
#define FUZZ_TCP true
#include "app_harness.h"
