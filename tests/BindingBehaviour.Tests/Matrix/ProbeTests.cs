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
            (int)(NativeOptions.ReuseAddr | NativeOptions.ReusePort), true));
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

    [SkippableFact]
    public void Linux_checks_the_port_again_at_listen_so_the_second_listener_is_refused_there()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The listen-time check is Linux's (inet_csk_listen_start); BSD and Windows answer differently.");

        // claims-catalog C09: SO_REUSEADDR on both lets both bind while neither listens; the second listen is refused.
        var native = ProbeRunner.Run((ProbeSequenceCommand)ProbeArguments.Parse(
            Split("tcp 127.0.0.1:0 +reuseaddr, tcp 127.0.0.1:same +reuseaddr, listen 1, listen 2")));
        native.Steps.Select(s => s.ObservedCode).Should().Equal("ok", "ok", "ok", "listen:AddressAlreadyInUse");
        native.AgreesWithModel.Should().BeTrue();

        // claims-catalog C38: the same in plain .NET, which sets SO_REUSEADDR before every TCP bind.
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
}
