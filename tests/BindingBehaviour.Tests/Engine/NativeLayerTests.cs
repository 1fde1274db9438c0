using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Engine;

/// <summary>The native layer really is native: it adds no option, and it answers as raw syscalls do.</summary>
public sealed class NativeLayerTests
{
    [SkippableFact]
    public void A_native_tcp_bind_sets_no_SO_REUSEADDR_while_a_managed_bind_does()
    {
        Skip.If(OperatingSystem.IsWindows(), ".NET adds no option at Bind on Windows, so there is nothing to tell apart.");

        using var native = NativeSocket.Open(Transport.Tcp, IPAddress.Loopback);
        native.Bind(IPAddress.Loopback, 0).OrThrow("The native bind");
        native.Get(NativeOption.ReuseAddress).Should().Be(0);

        using var managed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        managed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var (level, name) = NativeNumbers.Option(HostOs.Require(), NativeOption.ReuseAddress)!.Value;
        var value = new byte[4];
        managed.GetRawSocketOption(level, name, value);
        BitConverter.ToInt32(value).Should().NotBe(0, "dotnet/runtime pal_networking.c SystemNative_Bind sets SO_REUSEADDR on Unix");
    }

    [SkippableFact]
    public void A_native_ipv6_socket_keeps_the_OS_default_for_V6ONLY()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The default is read from net.ipv6.bindv6only, which only Linux has.");
        Skip.IfNot(Socket.OSSupportsIPv6, "This machine has no IPv6.");

        using var native = NativeSocket.Open(Transport.Udp, AddressFamily.InterNetworkV6);
        native.Get(NativeOption.V6Only).Should().Be(int.Parse(RunEnvironment.ReadSysctl("net.ipv6.bindv6only")!));
    }

    [Fact]
    public void Both_layers_report_one_refusal_with_the_same_error_number_and_message()
    {
        using var first = NativeSocket.Open(Transport.Udp, IPAddress.Loopback);
        first.Bind(IPAddress.Loopback, 0).OrThrow("The first bind");
        using var nativeSecond = NativeSocket.Open(Transport.Udp, IPAddress.Loopback);
        var native = nativeSecond.Bind(first.LocalEndPoint);

        using var managedSecond = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var managed = ManagedCall.Try(Step.Bind, () => managedSecond.Bind(first.LocalEndPoint));

        native.Should().Be(managed);
        native.Code.Should().Be("bind:AddressAlreadyInUse");
    }

    [Fact]
    public void Local_end_points_read_back_as_bound()
    {
        using var v4 = NativeSocket.Open(Transport.Udp, IPAddress.Loopback);
        v4.Bind(IPAddress.Loopback, 0).OrThrow("The IPv4 bind");
        v4.LocalEndPoint.Address.Should().Be(IPAddress.Loopback);
        v4.LocalPort.Should().BeInRange(1, 65535);

        if (Socket.OSSupportsIPv6 && NativeSocket.TryOpen(Transport.Udp, AddressFamily.InterNetworkV6, out var v6).Succeeded)
        {
            using (v6)
            {
                if (v6!.Bind(IPAddress.IPv6Loopback, 0).Succeeded)
                {
                    v6.LocalEndPoint.Address.Should().Be(IPAddress.IPv6Loopback);
                }
            }
        }
    }

    public static TheoryData<string, string[]> Scenarios => new()
    {
        { "two UDP sockets on one address", ["a=udp4", "a.bind=127.0.0.1:0", "b=udp4", "b.bind=127.0.0.1:same"] },
        { "two TCP sockets, neither listening", ["a=tcp4", "a.bind=127.0.0.1:0", "b=tcp4", "b.bind=127.0.0.1:same", "a.listen", "b.listen"] },
        { "TCP beside a listener", ["a=tcp4", "a.bind=127.0.0.1:0", "a.listen", "b=tcp4", "b.bind=127.0.0.1:same"] },
        { "UDP beside a TCP listener", ["a=tcp4", "a.bind=127.0.0.1:0", "a.listen", "b=udp4", "b.bind=127.0.0.1:same"] },
        { "UDP on the wildcard, then on loopback", ["a=udp4", "a.bind=0.0.0.0:0", "b=udp4", "b.bind=127.0.0.1:same"] },
    };

    [SkippableTheory]
    [MemberData(nameof(Scenarios))]
    public void The_native_layer_answers_as_raw_syscalls_do(string scenario, string[] steps)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The cross-check runs Python's socket module as the raw-syscall reference on Linux.");
        Skip.If(Python3.Path is null, "python3 is not on this machine.");

        // The native layer first, then Python: each takes its own port, so the two never race each other.
        var native = RunNative(steps);
        var raw = RunPython(steps);
        native.Should().Be(raw, $"the native layer must answer \"{scenario}\" as raw syscalls do");
    }

    private static string RunNative(string[] steps)
    {
        var sockets = new Dictionary<string, NativeSocket>();
        int? firstPort = null;
        try
        {
            foreach (var step in steps)
            {
                var opened = step.Split('=', 2);
                if (!opened[0].Contains('.'))
                {
                    var kind = opened[1];
                    sockets[opened[0]] = NativeSocket.Open(kind.StartsWith("tcp", StringComparison.Ordinal) ? Transport.Tcp : Transport.Udp,
                        kind.EndsWith('6') ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
                    continue;
                }

                var name = step.Split('.', 2)[0];
                var action = step.Split('.', 2)[1];
                Outcome outcome;
                if (action.StartsWith("bind=", StringComparison.Ordinal))
                {
                    var endPoint = action[5..];
                    var colon = endPoint.LastIndexOf(':');
                    var port = endPoint[(colon + 1)..] == "same" ? firstPort!.Value : int.Parse(endPoint[(colon + 1)..]);
                    outcome = sockets[name].Bind(IPAddress.Parse(endPoint[..colon].Trim('[', ']')), port);
                    firstPort ??= outcome.Succeeded ? sockets[name].LocalPort : null;
                }
                else
                {
                    outcome = sockets[name].Listen();
                }

                if (!outcome.Succeeded)
                {
                    return $"{outcome.FailedStep!.Value.ToString().ToLowerInvariant()}:{outcome.NativeCode}";
                }
            }

            return "ok";
        }
        finally
        {
            foreach (var socket in sockets.Values)
            {
                socket.Dispose();
            }
        }
    }

    private static string RunPython(string[] steps)
    {
        var start = ChildProcess.Start(Python3.Path!, [Path.Combine(Repository.ProjectDirectory, "Engine", "raw_bind.py"), .. steps]);
        var (code, output, error) = ChildProcess.Run(start, TimeSpan.FromMinutes(1)) ?? throw new TimeoutException("raw_bind.py did not end within a minute");
        code.Should().Be(0, error);
        return output.Trim();
    }
}
