namespace BindingBehaviour.Probe.Doctor;

/// <summary>
/// The claims that show each remedy, as links into the generated docs: docs/topics/NN-topic.md#claim-id (each claim's
/// anchor is its id). ProbeDoctorTests checks that every one is a claim and an anchor of that page.
/// </summary>
public static class DoctorDocs
{
    public static readonly IReadOnlyList<string> ReuseAddress =
    [
        .. Links(Topic.ReuseAddress, "reuseaddr-on-both-wildcard-and-specific", "reuseaddr-only-on-the-newcomer",
            "reuseaddr-does-not-pass-a-listener", "reuseaddr-udp-exact-duplicate"),
        .. Links(Topic.Windows, "windows-enhanced-socket-security"),
    ];

    public static readonly IReadOnlyList<string> ReusePort =
    [
        .. Links(Topic.ReusePort, "reuseport-on-both", "reuseport-only-on-the-newcomer"),
        .. Links(Topic.LinuxEnvironments, "reuseport-not-across-users"),
    ];

    public static readonly IReadOnlyList<string> ExclusiveAddressUse =
        Links(Topic.Windows, "exclusiveaddruse-blocks-a-specific-bind", "access-denied-versus-in-use");

    public static readonly IReadOnlyList<string> AnotherAddress =
    [
        .. Links(Topic.WildcardVersusSpecific, "tcp-wildcard-then-loopback", "two-loopback-addresses"),
        .. Links(Topic.DualStack, "ipv6-loopback-beside-ipv4-loopback"),
    ];

    public static readonly IReadOnlyList<string> V6Only =
    [
        .. Links(Topic.DualStack, "v6only-any-beside-ipv4-any", "dual-stack-any-then-ipv4-any"),
        .. Links(Topic.DotNet, "dotnet-ipv6-sockets-start-v6only"),
    ];

    public static readonly IReadOnlyList<string> TimeWait =
        Links(Topic.Restart, "restart-after-server-closed-first", "restart-needs-reuseaddr-on-the-old-listener", "time-wait-on-the-closing-side");

    public static readonly IReadOnlyList<string> Close =
        Links(Topic.SameProtocol, "tcp-twice-same-address", "udp-twice-same-address");

    public static readonly string OtherProtocol = Link(Topic.TcpAndUdp, "tcp-and-udp-share-a-port");

    public static IEnumerable<string> All =>
        ReuseAddress.Concat(ReusePort).Concat(ExclusiveAddressUse).Concat(AnotherAddress).Concat(V6Only).Concat(TimeWait).Concat(Close).Append(OtherProtocol);

    /// <summary>docs/topics/05-so-reuseaddr.md#reuseaddr-only-on-the-newcomer: the page the docs generator writes for the topic.</summary>
    public static string Link(Topic topic, string claim) => $"docs/{topic.PagePath}#{claim}";

    private static string[] Links(Topic topic, params string[] claims) => [.. claims.Select(c => Link(topic, c))];
}
