/* reward.h — the family's reward marker (upstream.md §6): after the first
 * successful upload the tracer touches ~/.io-tracer/.reward_unlocked, and
 * `iotrc --reward` prints the submission code once it exists. iotrc-upload
 * touches it; the supervisor reads it. */
#ifndef IOTRC_REWARD_H
#define IOTRC_REWARD_H
#include <stddef.h>

#define REWARD_CODE "CKXDRTBX"

/* "$HOME/.io-tracer/.reward_unlocked" into out; -1 without a home. */
int reward_marker_path(char *out, size_t cap);
/* Create the folder (0700) and the marker, or update its time. 0 or -1
 * (errno). */
int reward_touch(void);
/* 1 if the marker exists. */
int reward_unlocked(void);
#endif
