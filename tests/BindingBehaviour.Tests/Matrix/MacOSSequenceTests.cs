using System.Net;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// macOS with three sockets: XNU's in_pcbbind() and in6_pcbbind() judge the ONE socket in_pcblookup_local() returns
/// (apple-oss-distributions/xnu e3723e1f, bsd/netinet/in_pcb.c lines 2374-2463, 1087-1112; bsd/netinet6/in6_pcb.c
/// lines 460-495), not every socket on the port. Derived from source; the macOS run settles it.
/// </summary>
public sealed class MacOSSequenceTests
{
    private static readonly BindModel Model = MacOSBindModel.Instance;

    [Fact]
    public void A_dual_stack_wildcard_is_judged_against_the_best_fit_ipv4_socket_only()
    {
        // 127.0.0.1 plain, then 0.0.0.0 with SO_REUSEADDR (its exact lookup finds nothing). A dual-stack [::] without
        // options looks up INADDR_ANY wild: the best fit is the 0.0.0.0 socket (no wildcard needed), an AF_INET socket on
        // INADDR_ANY, which in6_pcbbind() lets pass; the 127.0.0.1 socket, which would refuse it, is never looked at.
        var outcomes = Model.PredictSequence(
        [
            Tcp("127.0.0.1"),
            Tcp("0.0.0.0", NativeOptions.ReuseAddress),
            Tcp("::"),
        ]);

        Codes(outcomes).Should().Equal("ok", "ok", "ok");
    }

    [Fact]
    public void Without_the_wildcard_socket_the_specific_one_is_the_best_fit_and_refuses()
    {
        var outcomes = Model.PredictSequence([Tcp("127.0.0.1"), Tcp("::")]);

        Codes(outcomes).Should().Equal("ok", "bind:AddressAlreadyInUse");
    }

    [Fact]
    public void A_v4_mapped_wildcard_is_judged_against_the_newest_exact_match()
    {
        // AF_INET 0.0.0.0, then a dual-stack [::] (allowed beside an AF_INET wildcard), then [::ffff:0.0.0.0]: the wild
        // lookup of INADDR_ANY meets two exact matches and returns the newest, the dual-stack [::]; both are AF_INET6 on
        // INADDR_ANY, so in_pcbbind() lets it pass although the AF_INET 0.0.0.0 would have refused it.
        var outcomes = Model.PredictSequence([Udp("0.0.0.0"), Udp("::"), Udp("::ffff:0.0.0.0")]);

        Codes(outcomes).Should().Equal("ok", "ok", "ok");
    }

    [Fact]
    public void The_same_v4_mapped_wildcard_beside_the_ipv4_wildcard_alone_is_refused()
    {
        var outcomes = Model.PredictSequence([Udp("0.0.0.0"), Udp("::ffff:0.0.0.0")]);

        Codes(outcomes).Should().Equal("ok", "bind:AddressAlreadyInUse");
    }

    [Fact]
    public void A_refused_socket_holds_nothing_and_an_exact_duplicate_still_needs_reuseport_on_the_one_found()
    {
        // Two SO_REUSEPORT sockets on 127.0.0.1, then a SO_REUSEADDR one (refused: the socket found has SO_REUSEPORT but the
        // newcomer has not), then a third SO_REUSEPORT one (joins).
        var outcomes = Model.PredictSequence(
        [
            Udp("127.0.0.1", NativeOptions.ReusePort),
            Udp("127.0.0.1", NativeOptions.ReusePort),
            Udp("127.0.0.1", NativeOptions.ReuseAddress),
            Udp("127.0.0.1", NativeOptions.ReusePort),
        ]);

        Codes(outcomes).Should().Equal("ok", "ok", "bind:AddressAlreadyInUse", "ok");
    }

    private static SocketSpec Tcp(string address, NativeOptions options = NativeOptions.None) =>
        new(Transport.Tcp, IPAddress.Parse(address), options, Listen: false);

    private static SocketSpec Udp(string address, NativeOptions options = NativeOptions.None) =>
        new(Transport.Udp, IPAddress.Parse(address), options, Listen: false);

    private static string[] Codes(IReadOnlyList<CellOutcome> outcomes) => [.. outcomes.Select(o => o.Code)];
}
