/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privfs.h"

/* The capabilities that bypass filesystem permission and ownership checks:
 * those the kernel drops itself when fsuid leaves 0. A file-capability
 * program keeps its uid, so setfsuid changes nothing there and they must
 * be dropped by hand. */
#define FS_CAPS                                                                          \
	((1u << CAP_CHOWN) | (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) |    \
	 (1u << CAP_FOWNER) | (1u << CAP_FSETID) | (1u << CAP_LINUX_IMMUTABLE) |          \
	 (1u << CAP_MKNOD))
/* CAP_MAC_OVERRIDE (32) is in the second word. */
#define FS_CAPS_HI (1u << (CAP_MAC_OVERRIDE - 32))

int
shk_privfs_secure(void)
{
	return getauxval(AT_SECURE) != 0;
}

/* The thread's capability sets (capget and capset act on one thread; glibc
 * has no header for them). */
static int
caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};

	return (int)syscall(SYS_capget, &h, d);
}

static int
caps_set(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};

	return (int)syscall(SYS_capset, &h, d);
}

int
shk_privfs_enter(struct shk_privfs *p, const struct shk_log *log)
{
	struct __user_cap_data_struct d[2];
	uid_t uid = getuid();
	gid_t gid = getgid();
	const char *what = NULL;
	int e = 0;

	memset(p, 0, sizeof(*p));
	if (!shk_privfs_secure())
		return SHK_OK;
	/* The group first, while any privilege to change it is still there.
	 * setfs[ug]id(-1) changes nothing and returns the current value. */
	p->fsgid = (gid_t)setfsgid(gid);
	p->fsuid = (uid_t)setfsuid(uid);
	p->active = 1;
	if ((gid_t)setfsgid((gid_t)-1) != gid || (uid_t)setfsuid((uid_t)-1) != uid) {
		what = "setfsuid/setfsgid did not take effect";
		goto fail;
	}
	memset(d, 0, sizeof(d));
	if (caps_get(d) == -1) {
		e = errno;
		what = "capget";
		goto fail;
	}
	if ((d[0].effective & FS_CAPS) != 0 || (d[1].effective & FS_CAPS_HI) != 0) {
		p->capeff[0] = d[0].effective;
		p->capeff[1] = d[1].effective;
		d[0].effective &= ~FS_CAPS;
		d[1].effective &= ~FS_CAPS_HI;
		if (caps_set(d) == -1) {
			e = errno;
			what = "capset";
			goto fail;
		}
		p->caps_saved = 1;
	}
	return SHK_OK;
fail:
	shk_privfs_leave(p);
	shk_log_emit(log, SHK_LOG_ERR, SHK_ERR_SYSTEM, NULL, 0,
		     "set-ID process: cannot take the real user's (uid %lu, gid %lu) filesystem "
		     "rights: %s%s%s; no file is opened",
		     (unsigned long)uid, (unsigned long)gid, what, e != 0 ? ": " : "",
		     e != 0 ? strerror(e) : "");
	errno = e != 0 ? e : EPERM;
	return SHK_ERR_SYSTEM;
}

void
shk_privfs_leave(struct shk_privfs *p)
{
	struct __user_cap_data_struct d[2];
	int e = errno;

	if (!p->active)
		return;
	memset(d, 0, sizeof(d));
	if (p->caps_saved && caps_get(d) == 0) {
		d[0].effective = p->capeff[0];
		d[1].effective = p->capeff[1];
		(void)caps_set(d);
	}
	/* Back to 0 raises the permitted filesystem capabilities again. */
	setfsuid(p->fsuid);
	setfsgid(p->fsgid);
	p->active = 0;
	errno = e;
}
