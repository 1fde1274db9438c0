// SPDX-License-Identifier: GPL-2.0
// Lists every TCP or every UDP socket as the kernel's own tables hold it: one line per socket, read from a pinned
// BPF iterator (bpftool iter pin). Compiled at run time by KernelTables/KernelTableReader.cs, once with -DTABLE_TCP
// and once with -DTABLE_UDP, because bpftool pins the first program of an object file only.
//
// Each line: "<table> bucket=<n|-> family=<n> state=<n> address=<addr> port=<n> reuse=<n> reuseport=<n>
// v6only=<n> uid=<n> netns=<inode> inode=<n>"; inode is the socket's, as /proc/net and /proc/PID/fd show it (0 for
// TIME_WAIT and request sockets, which are not full sockets). Both iterators list only the sockets of the reader's network namespace
// (seq_sk_match() in net/ipv4/tcp_ipv4.c and net/ipv4/udp.c compares sock_net() with the namespace the reader
// opened the file in).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define AF_INET 2
#define AF_INET6 10
#define TCP_TIME_WAIT 6
#define TCP_LISTEN 10
#define TCP_NEW_SYN_RECV 12

char LICENSE[] SEC("license") = "GPL";

static __always_inline void print_common(struct seq_file *seq, struct sock_common *skc, uid_t uid)
{
	unsigned short family = skc->skc_family;
	unsigned int port = skc->skc_num;
	unsigned int state = skc->skc_state;
	unsigned int reuse = BPF_CORE_READ_BITFIELD_PROBED(skc, skc_reuse);
	unsigned int reuseport = BPF_CORE_READ_BITFIELD_PROBED(skc, skc_reuseport);
	unsigned int v6only = BPF_CORE_READ_BITFIELD_PROBED(skc, skc_ipv6only);
	unsigned int netns = BPF_CORE_READ(skc, skc_net.net, ns.inum);
	unsigned long inode = 0;

	// sock_i_ino(): the inode of the struct socket that wraps a full socket (struct socket_alloc).
	if (state != TCP_TIME_WAIT && state != TCP_NEW_SYN_RECV) {
		struct socket *socket = BPF_CORE_READ((struct sock *)skc, sk_socket);

		if (socket)
			inode = BPF_CORE_READ(container_of(socket, struct socket_alloc, socket), vfs_inode.i_ino);
	}

	BPF_SEQ_PRINTF(seq, " family=%u state=%u", family, state);
	if (family == AF_INET6)
		BPF_SEQ_PRINTF(seq, " address=%pI6", &skc->skc_v6_rcv_saddr);
	else
		BPF_SEQ_PRINTF(seq, " address=%pI4", &skc->skc_rcv_saddr);
	BPF_SEQ_PRINTF(seq, " port=%u reuse=%u reuseport=%u v6only=%u uid=%u netns=%u inode=%lu\n",
		       port, reuse, reuseport, v6only, uid, netns, inode);
}

#ifdef TABLE_TCP
// The TCP iterator walks the listening hash (lhash2, TCP_LISTEN sockets only) and then the established hash (ehash:
// every other state, TIME_WAIT and request sockets included); it gives no bucket index. A TCP socket that is only
// bound, neither listening nor connected, is in the bind hash alone, which no iterator walks.
SEC("iter/tcp")
int list_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct seq_file *seq = ctx->meta->seq;

	if (!skc)
		return 0;
	if (skc->skc_state == TCP_LISTEN)
		BPF_SEQ_PRINTF(seq, "tcp-listening bucket=-");
	else
		BPF_SEQ_PRINTF(seq, "tcp-established bucket=-");
	print_common(seq, skc, ctx->uid);
	return 0;
}
#endif

#ifdef TABLE_UDP
// The UDP iterator walks udp_table, bucket by bucket of its port hash.
SEC("iter/udp")
int list_udp(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;
	struct seq_file *seq = ctx->meta->seq;

	if (!udp)
		return 0;
	BPF_SEQ_PRINTF(seq, "udp bucket=%d", ctx->bucket);
	print_common(seq, &udp->inet.sk.__sk_common, ctx->uid);
	return 0;
}
#endif
