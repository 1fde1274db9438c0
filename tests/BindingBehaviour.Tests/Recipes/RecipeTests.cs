using System.Net;
using System.Net.Sockets;
using System.Text;
using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Recipes;

/// <summary>
/// Every recipe does on this machine what its page says (binds, restarts, shares, keeps others out, closes everything),
/// on ports from port 0; and the committed recipes file is exactly what the recipes' attributes and code say.
/// </summary>
public sealed class RecipeTests
{
    [Fact]
    public void The_committed_recipes_file_is_what_the_recipes_say()
    {
        var expected = RecipesJson.Write(RecipeCatalog.All);
        RecipesJson.Validate(ResultsJson.Deserialize<RecipesFile>(expected, "the recipe catalog"), "the recipe catalog");
        var path = RecipeCatalog.CommittedPath;
        var committed = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (committed == expected)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(Snapshot.AcceptVariable) == "1"
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return;
        }

        committed.Should().Be(expected,
            $"{Repository.Relative(path)} must be what the recipes in tests/BindingBehaviour.Tests/Recipes/ say; "
                + $"rewrite it with: {RecipesFile.RewriteCommand}");
    }

    [Fact]
    public void Every_recipe_step_names_claims_that_exist_and_every_recipe_has_a_body()
    {
        var claims = ClaimCatalog.All.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        RecipeCatalog.All.Should().NotBeEmpty();
        foreach (var recipe in RecipeCatalog.All)
        {
            recipe.Steps.Select((s, i) => (s, i)).Should().NotBeEmpty();
            foreach (var (step, number) in recipe.Steps.Select((s, i) => (s, i + 1)))
            {
                step.Claims.Should().NotBeEmpty($"step {number} of {recipe.Id} is backed by claims")
                    .And.OnlyContain(id => claims.Contains(id), $"step {number} of {recipe.Id} names only claims that exist");
            }

            recipe.Code.Should().NotContain("Infrastructure")
                .And.NotContain("NativeSocket", $"{recipe.Id} is plain .NET a reader can copy");
        }
    }

    [Fact]
    public void Restart_listens_again_at_once_over_the_TIME_WAIT_its_previous_run_left()
    {
        IPEndPoint address;
        using (var old = Recipes.ListenAgain(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            address = (IPEndPoint)old.LocalEndPoint!;
            var (serverEnd, clientEnd) = Connections.OpenAndClose(old, FirstToClose.Server);
            TcpStates.Of(serverEnd, clientEnd).Should().Be(nameof(System.Net.NetworkInformation.TcpState.TimeWait));
        }

        // Nothing but our own TIME_WAIT entry holds the port now; the restart must bind it at once.
        using var restarted = Recipes.ListenAgain(address);
        ((IPEndPoint)restarted.LocalEndPoint!).Should().Be(address);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(address);
        using var accepted = restarted.Accept();
        accepted.Connected.Should().BeTrue();
    }

    [Fact]
    public void Workers_all_accept_connections_to_one_port()
    {
        var sockets = new List<Socket>();
        try
        {
            var first = Recipes.ListenerForWorker(new IPEndPoint(IPAddress.Loopback, 0), null);
            sockets.Add(first);
            var port = (IPEndPoint)first.LocalEndPoint!;
            var second = Recipes.ListenerForWorker(port, first);
            if (!sockets.Contains(second))
            {
                sockets.Add(second);
            }

            // On Linux each worker has its own listener in the SO_REUSEPORT group; elsewhere they share the first.
            sockets.Should().HaveCount(OperatingSystem.IsLinux() ? 2 : 1);
            sockets.Should().AllSatisfy(s => ((IPEndPoint)s.LocalEndPoint!).Should().Be(port));

            const int connections = 8;
            var clients = new List<Socket>();
            try
            {
                for (var i = 0; i < connections; i++)
                {
                    var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    clients.Add(client);
                    client.Connect(port);
                }

                // Every connection waits in the accept queue of one of the workers' listeners.
                var accepted = 0;
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
                while (accepted < connections && DateTime.UtcNow < deadline)
                {
                    var ready = sockets.ToList();
                    Socket.Select(ready, null, null, 100_000);
                    foreach (var listener in ready)
                    {
                        using var connection = listener.Accept();
                        accepted++;
                    }
                }

                accepted.Should().Be(connections);
            }
            finally
            {
                clients.ForEach(c => c.Dispose());
            }
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void An_exclusive_listener_keeps_a_socket_with_ReuseAddress_off_its_port()
    {
        using var listener = Recipes.ListenExclusively(new IPEndPoint(IPAddress.Loopback, 0));
        var address = (IPEndPoint)listener.LocalEndPoint!;

        using var thief = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        thief.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        var refused = Refusal(() =>
        {
            thief.Bind(address);
            thief.Listen();
        });

        refused.Should().BeOneOf(SocketError.AddressAlreadyInUse, SocketError.AccessDenied);

        // The listener still serves its port.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(address);
        using var accepted = listener.Accept();
        accepted.Connected.Should().BeTrue();
    }

    [SkippableFact]
    public void One_dual_mode_listener_accepts_IPv4_and_IPv6_clients()
    {
        var noIpv6Loopback = Capabilities.WhyMissing(Capability.Ipv6Loopback);
        Skip.If(noIpv6Loopback is not null, noIpv6Loopback);

        Socket? listener = null;
        for (var attempt = 0; listener is null && attempt < Ports.Attempts; attempt++)
        {
            // [::]:0 takes a port for IPv6 only from the IPv6 range; the IPv4 half may be taken by another process.
            try
            {
                listener = Recipes.ListenOnIpv4AndIpv6(0);
            }
            catch (SocketException e) when (Ports.IsTaken(e.SocketErrorCode))
            {
            }
        }

        listener.Should().NotBeNull("a free dual-stack port was found within {0} attempts", Ports.Attempts);
        using (listener)
        {
            var port = ((IPEndPoint)listener!.LocalEndPoint!).Port;
            listener.DualMode.Should().BeTrue();
            (AddressFamily Family, IPAddress Address)[] clients =
                [(AddressFamily.InterNetwork, IPAddress.Loopback), (AddressFamily.InterNetworkV6, IPAddress.IPv6Loopback)];
            foreach (var (family, address) in clients)
            {
                using var client = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
                client.Connect(new IPEndPoint(address, port));
                using var accepted = listener.Accept();
                var remote = (IPEndPoint)accepted.RemoteEndPoint!;
                (remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address).Should().Be(address);
            }
        }
    }

    [Fact]
    public void Servers_started_in_parallel_get_distinct_ports_from_the_ephemeral_range()
    {
        var listeners = new TcpListener[16];
        try
        {
            Parallel.For(0, listeners.Length, i => listeners[i] = Recipes.StartOnAFreePort());
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
            ports.Should().OnlyHaveUniqueItems();
            var range = EphemeralPortRange.Read();
            ports.Should().OnlyContain(p => range.Contains(p), $"port 0 picks from {range.Source}");
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener?.Dispose();
            }
        }
    }

    [SkippableFact]
    public void Who_holds_a_port_lists_the_listener_the_UDP_socket_and_the_TIME_WAIT_on_it()
    {
        var (listener, udp) = TcpAndUdpOnOnePort();
        Skip.If(listener is null || udp is null, $"no port free for TCP and UDP at once in {Ports.Attempts} attempts");
        using (listener)
        using (udp)
        {
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            var (server, _) = Connections.OpenAndClose(listener, FirstToClose.Server);

            var holders = Recipes.WhoHolds(port);

            holders.Should().Contain($"tcp 127.0.0.1:{port} listening")
                .And.Contain($"udp 127.0.0.1:{port}")
                .And.Contain(h => h.StartsWith($"tcp {server} TimeWait with 127.0.0.1:", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A TCP listener and a UDP socket on one loopback port: the UDP socket takes port 0, the listener its number
    /// (retried while taken).
    /// </summary>
    private static (Socket? Listener, Socket? Udp) TcpAndUdpOnOnePort()
    {
        for (var attempt = 0; attempt < Ports.Attempts; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                listener.Bind(udp.LocalEndPoint!);
                listener.Listen();
                return (listener, udp);
            }
            catch (SocketException e) when (Ports.IsTaken(e.SocketErrorCode))
            {
                listener.Dispose();
                udp.Dispose();
            }
        }

        return (null, null);
    }

    private static SocketError? Refusal(Action attempt)
    {
        try
        {
            attempt();
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }
}
