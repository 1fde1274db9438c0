using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// Linux, read from the kernel's own conflict checks (torvalds/linux, v6.9 and later; the same answers as before bhash2):
/// <list type="bullet">
/// <item>TCP: <c>inet_csk_get_port()</c> → <c>inet_csk_bind_conflict()</c> → <c>inet_bind_conflict()</c> /
/// <c>inet_bhash2_conflict()</c> in net/ipv4/inet_connection_sock.c, re-run by <c>inet_csk_listen_start()</c> at listen;</item>
/// <item>UDP: <c>udp_lib_get_port()</c> → <c>udp_lib_lport_inuse()</c> in net/ipv4/udp.c;</item>
/// <item>address overlap: <c>inet_rcv_saddr_equal()</c> with <c>ipv4_rcv_saddr_equal()</c> / <c>ipv6_rcv_saddr_equal()</c>
/// (net/ipv4/inet_connection_sock.c);</item>
/// <item>the IPv6 bind itself: <c>__inet6_bind()</c> in net/ipv6/af_inet6.c (v4-mapped on a V6ONLY socket → EINVAL; a
/// specific non-mapped IPv6 address sets <c>sk_ipv6only</c>).</item>
/// </list>
/// Same user and network namespace, no device binding, no TIME_WAIT sockets.
/// </summary>
public sealed partial class LinuxBindModel : BindModel
{
    private const string RulesTitle = "inet_bind_conflict (TCP), udp_lib_lport_inuse (UDP), inet_rcv_saddr_equal (addresses)";

    /// <summary>The newest kernels' rules (and every kernel none of <see cref="KernelChanges"/> applies to).</summary>
    public static readonly LinuxBindModel Instance = new(null, []);

    private LinuxBindModel(string? kernelRelease, IReadOnlyList<KernelChange> changes)
    {
        KernelRelease = kernelRelease;
        Changes = changes;
    }

    /// <summary>
    /// The kernels whose answers differ from the newest rules, each with the kernel change behind it. Every entry was
    /// observed on a Debian user-mode Linux kernel (tools/kernels/sweep; results/matrix/linux-&lt;release&gt;-*.tsv).
    /// </summary>
    public static IReadOnlyList<KernelChange> KernelChanges { get; } =
    [
        new(
            KernelChange.MappedWildcardMissedByMappedAddress,
            "TCP: a dual-stack socket bound to the v4-mapped wildcard `[::ffff:0.0.0.0]` does not stop a later bind (or listen) " +
            "of a v4-mapped address such as `[::ffff:127.0.0.1]` on the same port: the second socket binds, whatever the options. " +
            "The reverse order, and IPv4 sockets on either side, conflict as on other kernels.",
            "the 6.1 series (observed on 6.1.176, Debian bookworm); not on 5.10.46, 6.12.113, 6.18.44 or 7.2.7",
            "bhash2 (torvalds/linux 28044fc1d495, \"net: Add a bhash2 table hashed by port and address\", v6.1) keeps a second bind " +
            "table by port and address. \"tcp: Use bhash2 for v4-mapped-v6 non-wildcard address\" (torvalds/linux 5e07e672412b, " +
            "v6.8) sends a v4-mapped address to it; mainline took it in one series with 06a8c04f8994 (\"tcp: Save v4 address as " +
            "v4-mapped-v6 in inet_bind2_bucket.v6_rcv_saddr\"), and 6.1-stable took it later (\"[ Upstream commit " +
            "5e07e672412b ]\", 6.1-stable review). Where it is alone, inet_bhash2_addr_any_conflict() (net/ipv4/" +
            "inet_connection_sock.c) looks for wildcard sockets in the `[::]` bucket only and inet_bind2_bucket_match_addr_any() " +
            "(net/ipv4/inet_hashtables.c) matches an IPv6 bucket only when it is `[::]`, so the `[::ffff:0.0.0.0]` socket is not " +
            "seen. The selftest row v6_v4mapped_any_v6_v4mapped_local (bind_wildcard.c, \"selftest: tcp: Add v4-v4 and v6-v6 " +
            "bind() conflict tests\", March 2024) expects EADDRINUSE, as 5.10 and 6.12 and later answer.",
            release => release.Major == 6 && release.Minor == 1),
    ];

    /// <summary>The kernel release this model is for, or null for the newest rules.</summary>
    public string? KernelRelease { get; }

    /// <summary>The differences from the newest rules that apply to <see cref="KernelRelease"/> (none for the newest).</summary>
    public IReadOnlyList<KernelChange> Changes { get; }

    /// <summary>The Linux model of one kernel release (<c>uname -r</c>, e.g. <c>6.1.176</c>): the newest rules with
    /// the <see cref="KernelChanges"/> that apply to it. A release that cannot be read gets the newest rules.</summary>
    public static LinuxBindModel For(string? kernelRelease)
    {
        if (ParseRelease(kernelRelease) is not { } version)
        {
            return Instance;
        }

        var changes = KernelChanges.Where(c => c.AppliesTo(version)).ToList();
        return changes.Count == 0 ? Instance : new LinuxBindModel(kernelRelease!.Trim(), changes);
    }

    /// <summary>This machine's kernel release (/proc/sys/kernel/osrelease), or null off Linux.</summary>
    public static string? ThisKernelRelease() =>
        OperatingSystem.IsLinux() && File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;

    /// <summary>The major.minor.patch a release starts with (<c>6.18.44-fc-v1045</c> is 6.18.44), or null.</summary>
    public static Version? ParseRelease(string? release)
    {
        var match = ReleasePattern().Match(release ?? "");
        return match.Success
            ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0)
            : null;
    }

    [GeneratedRegex(@"^\s*(\d+)\.(\d+)(?:\.(\d+))?")]
    private static partial Regex ReleasePattern();

    private bool Has(string change) => Changes.Any(c => c.Id == change);

    public override Os Os => Os.Linux;

    public override string Title => KernelRelease is null || Changes.Count == 0
        ? $"Linux: {RulesTitle}"
        : $"Linux {KernelRelease}: {RulesTitle}, with {string.Join(", ", Changes.Select(c => c.Id))}";

    public override NativeOptions Supported => NativeOptions.ReuseAddress | NativeOptions.ReusePort | NativeOptions.V6Only;

    public override string Description => """
        **Linux** decides in the kernel's bind-conflict checks. A bind is refused with `EADDRINUSE` when an existing socket
        of the same protocol on the port *overlaps* the new one and the two do not *share*:

        - **Overlap** (`inet_rcv_saddr_equal()`, net/ipv4/inet_connection_sock.c): the same address, or either one a
          wildcard of a family the other is in. `0.0.0.0` covers every IPv4 address; a dual-stack `[::]` (IPV6_V6ONLY=0)
          covers every IPv4 and IPv6 address; a V6ONLY `[::]` covers IPv6 only; a v4-mapped address such as
          `[::ffff:127.0.0.1]` *is* that IPv4 address, and `[::ffff:0.0.0.0]` is the IPv4 wildcard. Two `[::]` overlap
          whatever V6ONLY says. A specific IPv6 address like `[::1]` never overlaps IPv4 (`__inet6_bind()` marks the
          socket IPv6-only).
        - **Sharing, TCP** (`inet_bind_conflict()`): SO_REUSEADDR on *both* sockets while the existing one is *not
          listening*; or SO_REUSEPORT on both with the same effective user. `listen()` runs the same check again
          (`inet_csk_listen_start()` → `inet_csk_get_port()`): it looks at the *other* socket's state, so once one socket
          listens, SO_REUSEADDR no longer lets anything overlap it.
        - **Sharing, UDP** (`udp_lib_lport_inuse()`, net/ipv4/udp.c): SO_REUSEADDR on both, or SO_REUSEPORT on both with
          the same user. There is no listen state.
        - TCP and UDP keep separate tables (`tcp_hashinfo` and `udp_table`), so they never conflict.
        - Binding a v4-mapped address on a V6ONLY socket is refused with `EINVAL` before any port check (`__inet6_bind()`).

        Sources: torvalds/linux net/ipv4/inet_connection_sock.c, net/ipv4/udp.c, net/ipv6/af_inet6.c; socket(7) on
        SO_REUSEADDR and SO_REUSEPORT; the kernel selftest tools/testing/selftests/net/bind_wildcard.c (its table is the
        oracle for TCP without listen). Older kernels that answer differently are listed, each with the kernel change behind it,
        in `LinuxBindModel.KernelChanges`; `LinuxBindModel.For(release)` is the model of one kernel.
        """;

    public override CellOutcome Bind(SocketSpec socket, IReadOnlyList<SocketSpec> bound)
    {
        // __inet6_bind(): "if (sk->sk_ipv6only) { err = -EINVAL; goto out; }" for IPV6_ADDR_MAPPED.
        if (socket.V6Only && IsV4Mapped(socket.Address))
        {
            return CellOutcome.Refused(Step.Bind, SocketError.InvalidArgument);
        }

        return AnyConflict(socket, bound) ? CellOutcome.Refused(Step.Bind, SocketError.AddressAlreadyInUse) : CellOutcome.Ok;
    }

    public override CellOutcome Listen(SocketSpec socket, IReadOnlyList<SocketSpec> others)
    {
        if (socket.Transport == Transport.Udp)
        {
            return CellOutcome.Refused(Step.Listen, SocketError.OperationNotSupported);
        }

        // inet_csk_listen_start() sets TCP_LISTEN and calls get_port() again: the same conflict check, where only the
        // other socket's state (sk2->sk_state != TCP_LISTEN) matters.
        return AnyConflict(socket, others) ? CellOutcome.Refused(Step.Listen, SocketError.AddressAlreadyInUse) : CellOutcome.Ok;
    }

    private bool AnyConflict(SocketSpec socket, IReadOnlyList<SocketSpec> others)
    {
        foreach (var other in others)
        {
            if (other.Transport == socket.Transport && Overlap(socket, other) && !Share(socket, other) && !MissedByBhash2(socket, other))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <see cref="KernelChange.MappedWildcardMissedByMappedAddress"/>: on kernels that have it, a TCP socket on a specific
    /// v4-mapped address is checked in bhash2, where an existing <c>[::ffff:0.0.0.0]</c> socket is not found.
    /// </summary>
    private bool MissedByBhash2(SocketSpec socket, SocketSpec other) =>
        socket.Transport == Transport.Tcp && Has(KernelChange.MappedWildcardMissedByMappedAddress)
        && socket.IsIPv6 && Type(socket.Address) == AddrType.Mapped && V4RcvSaddr(socket) != 0
        && other.IsIPv6 && Type(other.Address) == AddrType.Mapped && V4RcvSaddr(other) == 0;

    /// <summary>
    /// TCP, inet_bind_conflict() at bind and listen (relax = reuseport_ok = true):
    /// <c>if (sk->sk_reuse &amp;&amp; sk2->sk_reuse &amp;&amp; sk2->sk_state != TCP_LISTEN)</c> no conflict;
    /// <c>else if (!reuseport_ok || !sk->sk_reuseport || !sk2->sk_reuseport || ... !uid_eq(uid, sk_uid(sk2)))</c> conflict.
    /// UDP, udp_lib_lport_inuse(): <c>(!sk2->sk_reuse || !sk->sk_reuse)</c> and not
    /// <c>(sk2->sk_reuseport &amp;&amp; sk->sk_reuseport &amp;&amp; uid_eq(...))</c> → in use.
    /// One process, so the user is always the same.
    /// </summary>
    private static bool Share(SocketSpec socket, SocketSpec other) => socket.Transport == Transport.Tcp
        ? (socket.ReuseAddress && other.ReuseAddress && !other.Listen) || (socket.ReusePort && other.ReusePort)
        : (socket.ReuseAddress && other.ReuseAddress) || (socket.ReusePort && other.ReusePort);

    /// <summary>inet_rcv_saddr_equal(sk, sk2, match_wildcard: true).</summary>
    private static bool Overlap(SocketSpec sk, SocketSpec sk2)
    {
        var v4 = V4RcvSaddr(sk);
        var v4Other = V4RcvSaddr(sk2);
        if (!sk.IsIPv6)
        {
            return Ipv4RcvSaddrEqual(v4, v4Other, Ipv6Only(sk2));
        }

        var type = Type(sk.Address);
        // inet6_rcv_saddr(sk2) is NULL for an AF_INET socket, which ipv6_rcv_saddr_equal() then treats as IPV6_ADDR_MAPPED.
        var type2 = sk2.IsIPv6 ? Type(sk2.Address) : AddrType.Mapped;
        var ipv6Only = Ipv6Only(sk);
        var ipv6Only2 = Ipv6Only(sk2);

        // "if both are mapped, treat as IPv4"
        if (type == AddrType.Mapped && type2 == AddrType.Mapped)
        {
            return Ipv4RcvSaddrEqual(v4, v4Other, ipv6Only2);
        }

        if (type == AddrType.Any && type2 == AddrType.Any)
        {
            return true;
        }

        if (type2 == AddrType.Any && !(ipv6Only2 && type == AddrType.Mapped))
        {
            return true;
        }

        if (type == AddrType.Any && !(ipv6Only && type2 == AddrType.Mapped))
        {
            return true;
        }

        return sk2.IsIPv6 && sk.Address.Equals(sk2.Address);
    }

    /// <summary>ipv4_rcv_saddr_equal(sk1, sk2, sk2_ipv6only, match_wildcard, match_wildcard).</summary>
    private static bool Ipv4RcvSaddrEqual(uint saddr, uint saddr2, bool ipv6Only2) =>
        !ipv6Only2 && (saddr == saddr2 || saddr == 0 || saddr2 == 0);

    /// <summary>
    /// sk_ipv6only after bind: the IPV6_V6ONLY option, and __inet6_bind() sets it for any specific non-mapped address
    /// ("if (addr_type != IPV6_ADDR_MAPPED) sk->sk_ipv6only = 1").
    /// </summary>
    private static bool Ipv6Only(SocketSpec socket) =>
        socket.IsIPv6 && (socket.V6Only || Type(socket.Address) == AddrType.Other);

    /// <summary>
    /// inet_rcv_saddr: the IPv4 address for AF_INET; for AF_INET6, the IPv4 part of a v4-mapped address, 0 for [::], and
    /// LOOPBACK4_IPV6 (127.0.0.6) for any other address (__inet6_bind(): "Only the unspecified and mapped address have a
    /// v4 equivalent").
    /// </summary>
    private static uint V4RcvSaddr(SocketSpec socket)
    {
        if (!socket.IsIPv6)
        {
            return V4(socket.Address);
        }

        return Type(socket.Address) switch
        {
            AddrType.Any => 0,
            AddrType.Mapped => V4(socket.Address.MapToIPv4()),
            _ => 0x7f000006,
        };
    }

    private static uint V4(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    /// <summary>The three kinds of ipv6_addr_type() that matter here.</summary>
    private enum AddrType
    {
        Any,
        Mapped,
        Other,
    }

    private static AddrType Type(IPAddress address) =>
        address.Equals(IPAddress.IPv6Any) ? AddrType.Any
        : address.IsIPv4MappedToIPv6 ? AddrType.Mapped
        : AddrType.Other;
}

/// <summary>
/// One way a range of Linux kernels answers differently from the newest rules: what differs, on which kernels it was
/// seen, and the kernel change that explains it (torvalds/linux commits), for the model, the tests and the docs.
/// </summary>
public sealed record KernelChange(string Id, string Difference, string Kernels, string Cause, Func<Version, bool> AppliesTo)
{
    /// <summary>A release it was observed on (the first in <see cref="Kernels"/>), to count the cells it changes.</summary>
    public string ObservedOn => System.Text.RegularExpressions.Regex.Match(Kernels, @"\d+\.\d+\.\d+").Value;

    public const string MappedWildcardMissedByMappedAddress = "bhash2: [::ffff:0.0.0.0] missed by a v4-mapped bind";
}
