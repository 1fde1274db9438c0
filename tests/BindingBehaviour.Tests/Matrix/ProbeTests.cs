using BindingBehaviour.Matrix;
using BindingBehaviour.Native;
using BindingBehaviour.Probe;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>The probe's syntax and its library entry point, including the project's two founding observations.</summary>
public sealed class ProbeTests
{
    [Theory]
    [InlineData("")]
    [InlineData("udp")]
    [InlineData("udp 127.0.0.1")]
    [InlineData("udp 127.0.0.1:same")]
    [InlineData("udp 127.0.0.1:0 udp ::1:same")]
    [InlineData("udp 127.0.0.1:70000")]
    [InlineData("sctp 127.0.0.1:0")]
    [InlineData("udp 127.0.0.1:0 listen")]
    [InlineData("udp 127.0.0.1:0 +reuseaddress")]
    [InlineData("--layer managed udp 127.0.0.1:0 +reuseport")]
    [InlineData("udp 127.0.0.1:0 +v6only")]
    [InlineData("udp localhost:0")]
    [InlineData("--layer kernel udp 127.0.0.1:0")]
    [InlineData("--frobnicate udp 127.0.0.1:0")]
    [InlineData("udp 127.0.0.1:0 --out somewhere")]
    [InlineData("matrix --bench 0")]
    [InlineData("listen 1 tcp 127.0.0.1:0")]
    [InlineData("tcp 127.0.0.1:0 listen 2")]
    [InlineData("udp 127.0.0.1:0 udp 127.0.0.1:same listen 1")]
    [InlineData("tcp 127.0.0.1:0 listen connect 2")]
    [InlineData("tcp 198.51.100.7:0 +freebind listen connect 1")]
    [InlineData("tcp 127.0.0.1:0 receive 1 10 5s")]
    [InlineData("udp 127.0.0.1:0 receive 1 10")]
    [InlineData("udp 127.0.0.1:0 receive 1 10 forever")]
    [InlineData("udp 127.0.0.1:0 receive 1 0 5s")]
    [InlineData("udp 127.0.0.1:0 receive 1 10 2m")]
    [InlineData("udp 127.0.0.1:0 +v6default")]
    [InlineData("tcp [::]:0 +v6default +v6only")]
    [InlineData("--layer managed tcp [::]:0 +v6default")]
    public void Bad_arguments_get_one_usage_line_and_exit_code_2(string arguments)
    {
        var (code, stdout, stderr) = Run(arguments);

        code.Should().Be(ProbeCli.UsageError);
        stdout.Should().BeEmpty();
        stderr.TrimEnd('\n').Should().StartWith("probe: ").And.NotContain("\n", "a usage error is one line");
    }

    [Fact]
    public void The_syntax_reads_protocols_addresses_ports_options_and_listen()
    {
        var command = (ProbeSequenceCommand)ProbeArguments.Parse(
            Split("--json tcp 127.0.0.1:0 +reuseaddr +reuseport listen, udp [::]:same +v6only tcp [::ffff:127.0.0.1]:8080"));

        command.Json.Should().BeTrue();
        command.Layer.Should().Be(Layer.Native);
        command.Sockets.Should().HaveCount(3);
        command.Sockets[0].Should().Be(new ProbeSocket(Transport.Tcp, System.Net.IPAddress.Loopback, 0,
            (int)(NativeOptions.ReuseAddress | NativeOptions.ReusePort), true));
        command.Sockets[1].SamePort.Should().BeTrue();
        command.Sockets[1].Options.Should().Be((int)NativeOptions.V6Only);
        command.Sockets[2].Port.Should().Be(8080);
        command.Sockets[0].Describe(Layer.Native).Should().Be("tcp 127.0.0.1:0 +reuseaddr +reuseport listen");

        var managed = (ProbeSequenceCommand)ProbeArguments.Parse(Split("--layer managed tcp [::]:0 +reuseaddress +dualmode"));
        managed.Sockets[0].Options.Should().Be((int)(ManagedOptions.ReuseAddress | ManagedOptions.DualMode));

        ProbeArguments.Parse(Split("matrix --layer native --out results/matrix")).Should()
            .Be(new ProbeMatrixCommand(Layer.Native, false, "results/matrix", null));
    }

    [Fact]
    public void Founding_observation_two_udp_sockets_on_one_address_the_second_is_refused()
    {
        var (code, stdout, _) = Run("--json udp 127.0.0.1:0 udp 127.0.0.1:same");

        code.Should().Be(0);
        var json = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        var sockets = json.GetProperty("steps");
        sockets[0].GetProperty("observed").GetString().Should().Be("ok");
        sockets[1].GetProperty("observed").GetString().Should().Be("bind:AddressAlreadyInUse");
        sockets[1].GetProperty("predicted").GetString().Should().Be("bind:AddressAlreadyInUse");
        json.GetProperty("agreesWithModel").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Founding_observation_a_udp_and_a_tcp_socket_on_one_address_both_bind()
    {
        var (code, stdout, _) = Run("udp 127.0.0.1:0, tcp 127.0.0.1:same listen");

        code.Should().Be(0);
        var lines = stdout.Split('\n');
        lines[2].Should().StartWith("1  udp 127.0.0.1:0").And.Contain("ok, bound 127.0.0.1:");
        lines[3].Should().StartWith("2  tcp 127.0.0.1:").And.Contain("ok, bound 127.0.0.1:");
        stdout.Should().Contain("The OS answered as the model predicts.");
    }

    [SkippableFact]
    public void The_managed_layer_shows_dotnet_moving_the_tcp_conflict_from_bind_to_listen()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "On Linux .NET sets SO_REUSEADDR before every TCP bind; other OSes answer differently.");
        var result = ProbeRunner.Run((ProbeSequenceCommand)ProbeArguments.Parse(
            Split("--layer managed tcp 127.0.0.1:0 tcp 127.0.0.1:same listen tcp 127.0.0.1:same")));

        result.Steps.Select(s => s.ObservedCode).Should().Equal("ok", "ok", "bind:AddressAlreadyInUse");
        result.AgreesWithModel.Should().BeTrue();
    }

    [Fact]
    public void A_later_listen_is_a_step_of_its_own()
    {
        var command = (ProbeSequenceCommand)ProbeArguments.Parse(Split("tcp 127.0.0.1:0 +reuseaddr listen, tcp 127.0.0.1:same listen 1 listen 2"));

        command.Steps.Should().HaveCount(4);
        command.Sockets.Should().HaveCount(2);
        command.Sockets[0].Listen.Should().BeTrue("listen without a number belongs to its socket");
        command.Steps[2].Should().Be(new ProbeListen(1));
        command.Steps[3].Should().Be(new ProbeListen(2));
    }

    [Fact]
    public void Connect_receive_and_the_probes_own_options_are_steps_and_words_of_the_syntax()
    {
        var command = (ProbeSequenceCommand)ProbeArguments.Parse(
            Split("tcp [::]:0 +v6default +freebind listen, connect 1, udp 127.0.0.1:0 +reuseaddr, receive 2 10 500ms, connect 2"));

        command.Steps.Should().HaveCount(5);
        command.Sockets.Should().HaveCount(2, "a connecting socket is not numbered");
        command.Sockets[0].Extras.Should().Be(ProbeExtras.V6Default | ProbeExtras.FreeBind);
        command.Sockets[0].Options.Should().Be(0, "+v6default and +freebind are not matrix options");
        command.Sockets[0].Describe(Layer.Native).Should().Be("tcp [::]:0 +v6default +freebind listen");
        command.Steps[1].Should().Be(new ProbeConnect(1));
        command.Steps[3].Should().Be(new ProbeReceive(2, 10, TimeSpan.FromMilliseconds(500)));
        command.Steps[4].Should().Be(new ProbeConnect(2));

        var managed = (ProbeSequenceCommand)ProbeArguments.Parse(Split("--layer managed udp [2001:db8::7]:0 +freebind"));
        managed.Sockets[0].Extras.Should().Be(ProbeExtras.FreeBind);
        ProbeArguments.Usage.Should().Contain("+v6default").And.Contain("+freebind").And.Contain("connect N").And.Contain("receive N COUNT TIMEOUT");
    }

    [Fact]
    public void The_model_compares_only_sockets_that_share_a_port()
    {
        var command = (ProbeSequenceCommand)ProbeArguments.Parse(
            Split("tcp 127.0.0.1:5001, tcp 127.0.0.1:5002, tcp 127.0.0.1:5001, tcp 127.0.0.1:0, tcp 127.0.0.1:same"));

        // A later port 0 is a fresh port of its own; "same" is the first socket's port, 5001.
        ProbeRunner.Predict(BindModel.For(Os.Linux), Os.Linux, command).Select(p => p?.Code).Should()
            .Equal("ok", "ok", "bind:AddressAlreadyInUse", "ok", "bind:AddressAlreadyInUse");
    }

    [Fact]
    public void Connect_leaves_from_a_port_the_OS_picks_and_is_not_modelled()
    {
        var (code, stdout, _) = Run("--json tcp 127.0.0.1:0 listen, connect 1, connect 1");

        code.Should().Be(0);
        var steps = System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("steps");
        var listener = steps[0].GetProperty("localEndPoint").GetString()!;
        steps[1].GetProperty("step").GetString().Should().Be($"connect 1 ({listener})");
        steps[1].GetProperty("observed").GetString().Should().Be("ok");
        steps[1].GetProperty("predicted").GetString().Should().Be("not modelled");
        steps[1].GetProperty("agrees").GetBoolean().Should().BeTrue();
        steps[1].GetProperty("localEndPoint").GetString().Should().StartWith("127.0.0.1:")
            .And.NotBe(steps[2].GetProperty("localEndPoint").GetString(), "two connections to one listener need two local ports");
    }

    [Fact]
    public async Task Receive_says_when_it_is_ready_and_counts_what_arrived()
    {
        using var stdout = new StringWriter();
        using var stderr = new ReadyWriter();
        var probe = Task.Run(() => ProbeCli.Run(Split("--json udp 127.0.0.1:0, receive 1 3 10s"), stdout, stderr));
        stderr.Ready.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("the probe says when it is ready");

        var port = int.Parse(stderr.ToString().Split(':')[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        using (var sender = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
        {
            for (var i = 0; i < 3; i++)
            {
                sender.Send([1], new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
            }
        }

        (await probe.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
        var receive = System.Text.Json.JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("steps")[1];
        receive.GetProperty("observed").GetString().Should().Be("ok");
        receive.GetProperty("received").GetInt32().Should().Be(3);
        stderr.ToString().Should().StartWith("probe: ready: socket 1 receives on 127.0.0.1:");
    }

    [Fact]
    public void Receive_ends_at_its_timeout_with_what_it_has()
    {
        var (code, stdout, stderr) = Run("udp 127.0.0.1:0, receive 1 5 100ms");

        code.Should().Be(0);
        stdout.Should().Contain("ok, received 0 of 5");
        stderr.Should().StartWith("probe: ready");
    }

    [SkippableFact]
    public void Linux_checks_the_port_again_at_listen_so_the_second_listener_is_refused_there()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The listen-time check is Linux's (inet_csk_listen_start); BSD and Windows answer differently.");

        // Linux net/ipv4/inet_connection_sock.c: SO_REUSEADDR on both lets both bind while neither listens, and
        // inet_csk_listen_start() checks the port again, so the second listen is refused.
        var native = ProbeRunner.Run((ProbeSequenceCommand)ProbeArguments.Parse(
            Split("tcp 127.0.0.1:0 +reuseaddr, tcp 127.0.0.1:same +reuseaddr, listen 1, listen 2")));
        native.Steps.Select(s => s.ObservedCode).Should().Equal("ok", "ok", "ok", "listen:AddressAlreadyInUse");
        native.AgreesWithModel.Should().BeTrue();

        // The same in plain .NET, which sets SO_REUSEADDR before every TCP bind on Unix (dotnet/runtime pal_networking.c).
        var managed = ProbeRunner.Run((ProbeSequenceCommand)ProbeArguments.Parse(
            Split("--layer managed tcp 127.0.0.1:0, tcp 127.0.0.1:same, listen 1, listen 2")));
        managed.Steps.Select(s => s.ObservedCode).Should().Equal("ok", "ok", "ok", "listen:AddressAlreadyInUse");
        managed.AgreesWithModel.Should().BeTrue();
    }

    private static (int Code, string Stdout, string Stderr) Run(string arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ProbeCli.Run(Split(arguments), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string[] Split(string arguments) => arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A stderr that signals once the probe has written its ready line.</summary>
    private sealed class ReadyWriter : StringWriter
    {
        public ManualResetEventSlim Ready { get; } = new();

        public override void Flush()
        {
            base.Flush();
            if (ToString().Contains("probe: ready", StringComparison.Ordinal))
            {
                Ready.Set();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Ready.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
