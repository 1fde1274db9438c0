using System.Globalization;

namespace BindingBehaviour.Probe.Doctor;

/// <summary>
/// The claims that show each remedy, as links into the generated docs: docs/topics/NN-topic.md#claim-id (each claim's
/// anchor is its id). ProbeDoctorTests checks that every one is a claim and an anchor of that page.
/// </summary>
public static class DoctorDocs
{
    public static readonly IReadOnlyList<string> ReuseAddr =
    [
        Link(Topic.ReuseAddress, "reuseaddr-on-both-wildcard-and-specific"),
        Link(Topic.ReuseAddress, "reuseaddr-only-on-the-newcomer"),
        Link(Topic.ReuseAddress, "reuseaddr-does-not-pass-a-listener"),
        Link(Topic.ReuseAddress, "reuseaddr-udp-exact-duplicate"),
        Link(Topic.Windows, "windows-enhanced-socket-security"),
    ];

    public static readonly IReadOnlyList<string> ReusePort =
    [
        Link(Topic.ReusePort, "reuseport-on-both"),
        Link(Topic.ReusePort, "reuseport-only-on-the-newcomer"),
        Link(Topic.LinuxEnvironments, "reuseport-not-across-users"),
    ];

    public static readonly IReadOnlyList<string> ExclusiveAddrUse =
    [
        Link(Topic.Windows, "exclusiveaddruse-blocks-a-specific-bind"),
        Link(Topic.Windows, "access-denied-versus-in-use"),
    ];

    public static readonly IReadOnlyList<string> AnotherAddress =
    [
        Link(Topic.WildcardVersusSpecific, "tcp-wildcard-then-loopback"),
        Link(Topic.WildcardVersusSpecific, "two-loopback-addresses"),
        Link(Topic.DualStack, "ipv6-loopback-beside-ipv4-loopback"),
    ];

    public static readonly IReadOnlyList<string> V6Only =
    [
        Link(Topic.DualStack, "v6only-any-beside-ipv4-any"),
        Link(Topic.DualStack, "dual-stack-any-then-ipv4-any"),
        Link(Topic.DotNet, "dotnet-ipv6-sockets-start-v6only"),
    ];

    public static readonly IReadOnlyList<string> TimeWait =
    [
        Link(Topic.Restart, "restart-after-server-closed-first"),
        Link(Topic.Restart, "restart-needs-reuseaddr-on-the-old-listener"),
        Link(Topic.Restart, "time-wait-on-the-closing-side"),
    ];

    public static readonly IReadOnlyList<string> Close =
    [
        Link(Topic.SameProtocol, "tcp-twice-same-address"),
        Link(Topic.SameProtocol, "udp-twice-same-address"),
    ];

    public static readonly string OtherProtocol = Link(Topic.TcpAndUdp, "tcp-and-udp-share-a-port");

    public static IEnumerable<string> All =>
        ReuseAddr.Concat(ReusePort).Concat(ExclusiveAddrUse).Concat(AnotherAddress).Concat(V6Only).Concat(TimeWait).Concat(Close).Append(OtherProtocol);

    /// <summary>docs/topics/05-so-reuseaddr.md#reuseaddr-only-on-the-newcomer: the page the docs generator writes for the topic.</summary>
    public static string Link(Topic topic, string claim) =>
        string.Create(CultureInfo.InvariantCulture, $"docs/topics/{topic.Order:00}-{topic.Id}.md#{claim}");
}
