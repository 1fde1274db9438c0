using System.Net;

namespace BindingBehaviour.Matrix;

/// <summary>
/// One pair row of the Linux kernel selftest table: socket 0 binds, then socket 1 binds the same port; the expected
/// answer with no option, and with SO_REUSEADDR (or SO_REUSEPORT) on both sockets.
/// </summary>
public sealed record SelftestRow(string Name, IPAddress Address0, bool V6Only0, IPAddress Address1, bool V6Only1, bool PlainSucceeds, bool ReuseSucceeds);

/// <summary>
/// One check of the selftest: a row under one of its tests, its two sockets as the models see them (TCP, bound, not
/// listening), and the answer the selftest expects.
/// </summary>
public sealed record SelftestCase(SelftestRow Row, string Test, SocketSpec First, SocketSpec Second, CellOutcome Expected)
{
    /// <summary>The selftest's name for the check: "variant.test".</summary>
    public string Name => $"{Row.Name}.{Test}";

    /// <summary>The check as a cell of the Linux native matrix: the same addresses and options, bound.</summary>
    public (MatrixConfig A, MatrixConfig B) Cell => (Config(First), Config(Second));

    private static MatrixConfig Config(SocketSpec socket) =>
        new(socket.Transport, MatrixAddress.All.Single(a => a.Address.Equals(socket.Address)), (int)socket.Options, socket.Listen);
}

/// <summary>
/// The pair rows of torvalds/linux tools/testing/selftests/net/bind_wildcard.c (the final 44-variant version, Kuniyuki
/// Iwashima, merged for v6.9-rc: "tcp: Fix bind() regression for v6-only wildcard and v4(-mapped-v6) non-wildcard
/// addresses"), transcribed as data: <c>expected_errno[1]</c> (plain) and
/// <c>expected_reuse_errno[1]</c> (shared by the reuseaddr and reuseport tests). Names follow the selftest's variant names.
/// <para>What the selftest assumes: TCP (SOCK_STREAM) only, no listen() ever, <c>net.ipv6.bindv6only=0</c> (sockets
/// without <c>ipv6_only</c> are dual-stack; here IPV6_V6ONLY is set explicitly, 1 or 0, so the sysctl does not matter),
/// and a kernel with the April 2024 fixes (kernels from the bhash2 introduction, ≈6.1, until then fail some IPv6 rows).
/// The selftest also binds six probe sockets after each pair; only the pair rows are transcribed.</para>
/// </summary>
public static class KernelSelftestTable
{
    public const string Source = "torvalds/linux tools/testing/selftests/net/bind_wildcard.c";

    private static readonly IPAddress V4Any = IPAddress.Any;
    private static readonly IPAddress V4Local = IPAddress.Loopback;
    private static readonly IPAddress V6Any = IPAddress.IPv6Any;
    private static readonly IPAddress V6Local = IPAddress.IPv6Loopback;
    private static readonly IPAddress V6MappedAny = IPAddress.Parse("::ffff:0.0.0.0");
    private static readonly IPAddress V6MappedLocal = IPAddress.Parse("::ffff:127.0.0.1");

    private const bool E = false;
    private const bool Ok = true;

    /// <summary>The 44 pair rows: name, socket 0 (address, IPV6_V6ONLY), socket 1, plain, with reuse on both.</summary>
    public static IReadOnlyList<SelftestRow> Rows { get; } =
    [
        new("v4_any_v4_local", V4Any, false, V4Local, false, E, Ok),
        new("v4_local_v4_any", V4Local, false, V4Any, false, E, Ok),
        new("v4_any_v6_any", V4Any, false, V6Any, false, E, Ok),
        new("v4_any_v6_any_only", V4Any, false, V6Any, true, Ok, Ok),
        new("v4_any_v6_local", V4Any, false, V6Local, false, Ok, Ok),
        new("v4_any_v6_v4mapped_any", V4Any, false, V6MappedAny, false, E, Ok),
        new("v4_any_v6_v4mapped_local", V4Any, false, V6MappedLocal, false, E, Ok),
        new("v4_local_v6_any", V4Local, false, V6Any, false, E, Ok),
        new("v4_local_v6_any_only", V4Local, false, V6Any, true, Ok, Ok),
        new("v4_local_v6_local", V4Local, false, V6Local, false, Ok, Ok),
        new("v4_local_v6_v4mapped_any", V4Local, false, V6MappedAny, false, E, Ok),
        new("v4_local_v6_v4mapped_local", V4Local, false, V6MappedLocal, false, E, Ok),
        new("v6_any_v4_any", V6Any, false, V4Any, false, E, Ok),
        new("v6_any_only_v4_any", V6Any, true, V4Any, false, Ok, Ok),
        new("v6_any_v4_local", V6Any, false, V4Local, false, E, Ok),
        new("v6_any_only_v4_local", V6Any, true, V4Local, false, Ok, Ok),
        new("v6_local_v4_any", V6Local, false, V4Any, false, Ok, Ok),
        new("v6_local_v4_local", V6Local, false, V4Local, false, Ok, Ok),
        new("v6_v4mapped_any_v4_any", V6MappedAny, false, V4Any, false, E, Ok),
        new("v6_v4mapped_any_v4_local", V6MappedAny, false, V4Local, false, E, Ok),
        new("v6_v4mapped_local_v4_any", V6MappedLocal, false, V4Any, false, E, Ok),
        new("v6_v4mapped_local_v4_local", V6MappedLocal, false, V4Local, false, E, Ok),
        new("v6_any_v6_any", V6Any, false, V6Any, false, E, Ok),
        new("v6_any_only_v6_any", V6Any, true, V6Any, false, E, Ok),
        new("v6_any_v6_any_only", V6Any, false, V6Any, true, E, Ok),
        new("v6_any_only_v6_any_only", V6Any, true, V6Any, true, E, Ok),
        new("v6_any_v6_local", V6Any, false, V6Local, false, E, Ok),
        new("v6_any_only_v6_local", V6Any, true, V6Local, false, E, Ok),
        new("v6_any_v6_v4mapped_any", V6Any, false, V6MappedAny, false, E, Ok),
        new("v6_any_only_v6_v4mapped_any", V6Any, true, V6MappedAny, false, Ok, Ok),
        new("v6_any_v6_v4mapped_local", V6Any, false, V6MappedLocal, false, E, Ok),
        new("v6_any_only_v6_v4mapped_local", V6Any, true, V6MappedLocal, false, Ok, Ok),
        new("v6_local_v6_any", V6Local, false, V6Any, false, E, Ok),
        new("v6_local_v6_any_only", V6Local, false, V6Any, true, E, Ok),
        new("v6_local_v6_v4mapped_any", V6Local, false, V6MappedAny, false, Ok, Ok),
        new("v6_local_v6_v4mapped_local", V6Local, false, V6MappedLocal, false, Ok, Ok),
        new("v6_v4mapped_any_v6_any", V6MappedAny, false, V6Any, false, E, Ok),
        new("v6_v4mapped_any_v6_any_only", V6MappedAny, false, V6Any, true, Ok, Ok),
        new("v6_v4mapped_any_v6_local", V6MappedAny, false, V6Local, false, Ok, Ok),
        new("v6_v4mapped_any_v6_v4mapped_local", V6MappedAny, false, V6MappedLocal, false, E, Ok),
        new("v6_v4mapped_local_v6_any", V6MappedLocal, false, V6Any, false, E, Ok),
        new("v6_v4mapped_local_v6_any_only", V6MappedLocal, false, V6Any, true, Ok, Ok),
        new("v6_v4mapped_local_v6_local", V6MappedLocal, false, V6Local, false, Ok, Ok),
        new("v6_v4mapped_local_v6_v4mapped_any", V6MappedLocal, false, V6MappedAny, false, E, Ok),
    ];

    /// <summary>The selftest's three tests per variant: no option, SO_REUSEADDR on both, SO_REUSEPORT on both.</summary>
    public static IReadOnlyList<(string Test, NativeOptions Options)> Tests { get; } =
    [
        ("plain", NativeOptions.None),
        ("reuseaddr", NativeOptions.ReuseAddress),
        ("reuseport", NativeOptions.ReusePort),
    ];

    /// <summary>Every row under each of the three tests, row by row: the one loop over the table.</summary>
    public static IReadOnlyList<SelftestCase> Cases { get; } =
        [.. Rows.SelectMany(row => Tests.Select(t => new SelftestCase(
            row,
            t.Test,
            Spec(row.Address0, row.V6Only0, t.Options),
            Spec(row.Address1, row.V6Only1, t.Options),
            Expected(row, t.Options))))];

    private static CellOutcome Expected(SelftestRow row, NativeOptions options) =>
        (options == NativeOptions.None ? row.PlainSucceeds : row.ReuseSucceeds)
            ? CellOutcome.Ok
            : CellOutcome.Refused(Step.Bind, System.Net.Sockets.SocketError.AddressAlreadyInUse);

    private static SocketSpec Spec(IPAddress address, bool v6Only, NativeOptions options) =>
        new(Native.Transport.Tcp, address, options | (v6Only ? NativeOptions.V6Only : NativeOptions.None), false);
}
