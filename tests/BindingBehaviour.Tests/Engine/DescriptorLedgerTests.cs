using System.Net;
using System.Net.Sockets;
using System.Reflection;
using BindingBehaviour.Descriptors;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Engine;

/// <summary>
/// The descriptor ledger sees what a test opens, says what it is, and gives no test's descriptor to the runtime. Each test
/// opens its sockets and files between two snapshots and closes them, so the suite itself leaks nothing; that the
/// end-of-run report catches a real leak is proven by .ci/run, which runs this class alone with
/// <see cref="DescriptorLedger.ProofVariable"/>=leak and expects the check to fail.
/// </summary>
public sealed class DescriptorLedgerTests
{
    /// <summary>Sockets left open on purpose when .ci/run asks for the proof; never in an ordinary run.</summary>
    private static readonly List<Socket> LeftOpenForTheProof = [];

    [SkippableFact]
    public void A_socket_opened_after_a_snapshot_is_seen_with_its_address_until_it_is_closed()
    {
        Skip.If(DescriptorLedger.Unsupported is not null, DescriptorLedger.Unsupported);

        var before = DescriptorLedger.Snapshot();
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var opened = DescriptorLedger.OpenedSince(before, DescriptorLedger.Snapshot());

        var seen = opened.Should().ContainSingle(d => d.Fd == (int)udp.Handle, "the socket was opened after the first snapshot").Subject;
        seen.Kind.Should().Be("socket");
        seen.Socket.Should().Be(new SocketEntry("udp", udp.LocalEndPoint!.ToString()!, "0.0.0.0:0", null, NetworkFacing: false));
        DescriptorLedger.RuntimeOwned(seen).Should().BeNull("a socket is never the runtime's");

        udp.Dispose();
        DescriptorLedger.Snapshot().Should().NotContain(d => d.Target == seen.Target, "the socket is closed");

        if (Environment.GetEnvironmentVariable(DescriptorLedger.ProofVariable) == "leak")
        {
            LeaveSocketsOpenForTheProof();
        }
    }

    [SkippableFact]
    public void A_listener_on_the_wildcard_is_network_facing_and_one_on_ipv6_loopback_is_not()
    {
        Skip.If(DescriptorLedger.Unsupported is not null, DescriptorLedger.Unsupported);
        Skip.IfNot(Socket.OSSupportsIPv6, "This machine has no IPv6.");

        var before = DescriptorLedger.Snapshot();
        using var loopback = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        loopback.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        loopback.Listen();
        using var wildcard = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        wildcard.Bind(new IPEndPoint(IPAddress.Any, 0)); // bound, never listening: nothing can connect to it.
        var opened = DescriptorLedger.OpenedSince(before, DescriptorLedger.Snapshot());

        opened.Single(d => d.Fd == (int)loopback.Handle).Socket.Should()
            .Be(new SocketEntry("tcp6", loopback.LocalEndPoint!.ToString()!, "[::]:0", "LISTEN", NetworkFacing: false));
        opened.Single(d => d.Fd == (int)wildcard.Handle).Socket.Should()
            .Be(new SocketEntry("tcp", wildcard.LocalEndPoint!.ToString()!, null, "BOUND", NetworkFacing: true),
                "a TCP socket bound but not listening is in no /proc/net table, and getsockname says where it is");
    }

    [SkippableFact]
    public void A_file_or_pipe_a_test_opens_is_the_tests_and_a_loaded_assembly_is_the_runtimes()
    {
        Skip.If(DescriptorLedger.Unsupported is not null, DescriptorLedger.Unsupported);

        var path = Path.Combine(Path.GetTempPath(), $"bb-ledger-{Guid.NewGuid():N}.txt");
        var before = DescriptorLedger.Snapshot();
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
        using (var pipe = new System.IO.Pipes.AnonymousPipeServerStream())
        {
            var opened = DescriptorLedger.OpenedSince(before, DescriptorLedger.Snapshot());
            var written = opened.Should().ContainSingle(d => d.Fd == (int)file.SafeFileHandle.DangerousGetHandle()).Subject;
            written.Should().Be(new Descriptor(written.Fd, path, "file", null));
            DescriptorLedger.RuntimeOwned(written).Should().BeNull();
            var server = opened.Should().ContainSingle(d => d.Fd == (int)pipe.SafePipeHandle.DangerousGetHandle()).Subject;
            server.Kind.Should().Be("pipe");
            DescriptorLedger.RuntimeOwned(server).Should().BeNull();
        }

        var assembly = typeof(FactAttribute).Assembly.Location;
        DescriptorLedger.RuntimeOwned(new Descriptor(1000, assembly, "file", null)).Should().StartWith("loaded assembly:");
        DescriptorLedger.RuntimeOwned(new Descriptor(1000, Path.ChangeExtension(assembly, ".txt"), "file", null)).Should().BeNull();
    }

    [SkippableFact]
    public void A_descriptor_opened_inside_a_tests_window_is_named_with_that_test_and_one_opened_before_is_not()
    {
        Skip.If(DescriptorLedger.Unsupported is not null, DescriptorLedger.Unsupported);
        Skip.IfNot(DescriptorWindows.Recording, "The ledger is not recording windows in this run.");
        Skip.If(DescriptorWindows.CollectAfterEachTest, "A window inside this test's own would count as two tests at once, which a serial run with a collection after each test refuses.");

        var window = typeof(DescriptorLedgerTests).GetMethod(nameof(AWindowForTheLedgersOwnTest), BindingFlags.NonPublic | BindingFlags.Static)!;
        using var before = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        DescriptorWindows.Open(window);
        using var inside = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        DescriptorWindows.Close(window);

        static string Target(Socket s) => new FileInfo($"/proc/self/fd/{(int)s.Handle}").LinkTarget!;
        DescriptorWindows.AppearedDuring((int)inside.Handle, Target(inside)).Should().Contain($"{nameof(DescriptorLedgerTests)}.{nameof(AWindowForTheLedgersOwnTest)}");
        DescriptorWindows.AppearedDuring((int)before.Handle, Target(before)).Should().NotContain($"{nameof(DescriptorLedgerTests)}.{nameof(AWindowForTheLedgersOwnTest)}");
    }

    /// <summary>Stands for a test method in the window test above; never run.</summary>
    private static void AWindowForTheLedgersOwnTest()
    {
    }

    [Theory]
    [InlineData("socket:[123]", "socket")]
    [InlineData("pipe:[123]", "pipe")]
    [InlineData("anon_inode:[eventpoll]", "anon_inode")]
    [InlineData("/dev/urandom", "device")]
    [InlineData("/tmp/a file", "file")]
    [InlineData("/memfd:doublemapper (deleted)", "file")]
    [InlineData("net:[4026531840]", "other")]
    public void A_descriptor_kind_is_read_from_its_link(string target, string kind) =>
        DescriptorLedger.KindOf(target).Should().Be(kind);

    /// <summary>
    /// Two leaks the end-of-run report must catch: a socket bound to the wildcard and still referenced, and one dropped
    /// without Dispose, which only the ledger's final garbage collection closes. .ci/run runs this in a network namespace
    /// of its own, so the wildcard socket is never reachable from the machine's network.
    /// </summary>
    private static void LeaveSocketsOpenForTheProof()
    {
        var referenced = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        referenced.Bind(new IPEndPoint(IPAddress.Any, 0));
        LeftOpenForTheProof.Add(referenced);

        var dropped = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        dropped.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        dropped.Listen();
    }
}
