using System.Net;
using System.Text.Json;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;
using BindingBehaviour.Probe;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// <c>probe --predict</c>: the models' answers without a socket, with the rule behind each step, checked against the
/// models themselves (BindModel.PredictSequence and every matrix cell) for every OS, in text and in JSON.
/// </summary>
public sealed class ProbePredictTests
{
    public static TheoryData<string> Oses => ["linux", "windows", "macos"];

    [Theory]
    [MemberData(nameof(Oses))]
    public void Founding_observation_two_udp_sockets_on_one_address_as_each_model_answers(string os)
    {
        var model = BindModel.For(OsOf(os));
        var udp = new SocketSpec(Transport.Udp, IPAddress.Loopback, NativeOptions.None, false);
        var expected = model.PredictSequence([udp, udp]);

        var report = Json($"--predict --os {os} --json udp 127.0.0.1:0, udp 127.0.0.1:same");

        report.Os.Should().Be(os);
        report.Model.Should().Be(model.Title);
        report.Steps.Select(s => s.Predicted).Should().Equal(expected.Select(e => e.Code));
        report.Steps[1].Predicted.Should().Be("bind:AddressAlreadyInUse", "every model refuses a second UDP socket on one address without options");
        report.Steps[1].ConflictsWith.Should().Be(1);
        report.Steps[1].Reason.Should().StartWith("socket 1: conflicts with udp 127.0.0.1 (no options, bound)");

        var text = Text($"--predict --os {os} udp 127.0.0.1:0, udp 127.0.0.1:same");
        text.Split('\n')[2].Should().StartWith("1  udp 127.0.0.1:0").And.Contain(" ok ");
        text.Split('\n')[3].Should().StartWith("2  udp 127.0.0.1:same").And.Contain("bind:AddressAlreadyInUse").And.Contain("socket 1: conflicts with");
    }

    [Theory]
    [MemberData(nameof(Oses))]
    public void Founding_observation_a_tcp_listener_and_a_udp_socket_as_each_model_answers(string os)
    {
        var model = BindModel.For(OsOf(os));
        var expected = model.PredictSequence([
            new SocketSpec(Transport.Tcp, IPAddress.Loopback, NativeOptions.None, true),
            new SocketSpec(Transport.Udp, IPAddress.Loopback, NativeOptions.None, false)]);

        var report = Json($"--predict --os {os} --json tcp 127.0.0.1:0 listen, udp 127.0.0.1:same");

        report.Steps.Select(s => s.Predicted).Should().Equal(expected.Select(e => e.Code)).And.Equal("ok", "ok");
        report.Steps[1].ConflictsWith.Should().BeNull();
        report.Steps[1].Reason.Should().Contain("other protocol");
        Text($"--predict --os {os} tcp 127.0.0.1:0 listen, udp 127.0.0.1:same").Should().Contain("2  udp 127.0.0.1:same").And.Contain("other protocol");
    }

    /// <summary>Every cell of every OS's matrix, natively and through .NET, written as probe steps: the prediction is the cell's.</summary>
    [Theory]
    [InlineData("linux", Layer.Native)]
    [InlineData("linux", Layer.Managed)]
    [InlineData("windows", Layer.Native)]
    [InlineData("windows", Layer.Managed)]
    [InlineData("macos", Layer.Native)]
    [InlineData("macos", Layer.Managed)]
    public void Every_matrix_cell_is_predicted_as_the_model_predicts_it(string os, Layer layer)
    {
        var layout = MatrixLayout.For(OsOf(os), layer);
        var differ = new List<string>();
        foreach (var cell in layout.Cells)
        {
            var arguments = $"--predict --os {os} --layer {MatrixWords.Layer(layer)} {Step(layer, cell.A, "0")}, {Step(layer, cell.B, "same")}";
            var command = (ProbePredictCommand)ProbeArguments.Parse(arguments.Split(' '));
            var steps = ProbePredict.Run(command).Steps;
            var predicted = steps[0].Predicted == "ok" ? steps[1].Predicted : "first:" + steps[0].Predicted;
            var expected = DotNetOptionMapping.Predict(layout, cell);
            if (predicted != expected.Code || (steps[0].Predicted != "ok" && steps[1].Predicted != "not run"))
            {
                differ.Add($"{arguments}: {predicted}, the model {expected.Code}");
            }

            // The rule names socket 1 whenever it alone refuses socket 2 at the port (the default explanation's promise).
            if (steps[0].Predicted == "ok" && steps[1].Predicted is "bind:AddressAlreadyInUse" or "bind:AccessDenied" or "listen:AddressAlreadyInUse"
                && steps[1].ConflictsWith != 1)
            {
                differ.Add($"{arguments}: refused at the port, but the reason names no conflicting socket: {steps[1].Reason}");
            }
        }

        differ.Should().BeEmpty();
    }

    [Fact]
    public void An_option_the_OS_lacks_is_refused_as_that_OS_refuses_it()
    {
        var windows = Json("--predict --os windows --json tcp 127.0.0.1:0 +reuseport");
        windows.Steps[0].Predicted.Should().Be(BindModel.For(Os.Windows)
            .PredictSocket(new SocketSpec(Transport.Tcp, IPAddress.Loopback, NativeOptions.ReusePort, false), []).Code)
            .And.Be("setoption:OperationNotSupported");
        windows.Steps[0].Reason.Should().Contain("Windows has no REUSEPORT");

        var linux = Json("--predict --os linux --json udp 127.0.0.1:0 +exclusiveaddruse, udp 127.0.0.1:same");
        linux.Steps.Select(s => s.Predicted).Should().Equal("setoption:OperationNotSupported", "not run");
    }

    [Fact]
    public void A_prediction_opens_no_socket()
    {
        // This test holds 127.0.0.1:P in UDP; a real run of the same step would be refused, a prediction is not.
        using var held = NativeSocket.Open(Transport.Udp, IPAddress.Loopback);
        held.Bind(IPAddress.Loopback, 0).OrThrow("Holding a port");
        var port = held.LocalEndPoint!.Port;

        var report = Json($"--predict --os linux --json udp 127.0.0.1:{port}");

        report.Steps[0].Predicted.Should().Be("ok");
        report.Steps[0].Reason.Should().Be("nothing else holds the port");
    }

    [Fact]
    public void Kernel_is_accepted_for_linux_and_the_report_says_which_model_answered()
    {
        var report = Json("--predict --os linux --kernel 5.15 --json tcp [::]:0 listen, tcp 0.0.0.0:same listen");

        report.Kernel.Should().Be("5.15");
        report.KernelNote.Should().Contain("Linux 5.15").And.Contain("newest rules answered");
        report.Model.Should().Be(BindModel.For(Os.Linux).Title);

        // 6.1's bhash2 misses a [::ffff:0.0.0.0] socket when a v4-mapped address binds (LinuxBindModel.KernelChanges).
        var old = Json("--predict --os linux --kernel 6.1 --json tcp [::ffff:0.0.0.0]:0, tcp [::ffff:127.0.0.1]:same");
        old.Model.Should().Be(LinuxBindModel.For("6.1").Title).And.Contain("6.1");
        old.Steps.Select(s => s.Predicted).Should().Equal("ok", "ok");
        Json("--predict --os linux --json tcp [::ffff:0.0.0.0]:0, tcp [::ffff:127.0.0.1]:same").Steps.Select(s => s.Predicted)
            .Should().Equal("ok", "bind:AddressAlreadyInUse");
    }

    [Fact]
    public void The_json_is_a_contract_read_back_by_the_same_records()
    {
        var json = Output("--predict --os macos --json tcp 0.0.0.0:0 listen, tcp 127.0.0.1:same listen, listen 1, connect 1");
        var report = ProbeJson.Read<PredictionReport>(json);

        ProbePredict.Json(report).Should().Be(json);
        report.Steps.Select(s => s.Predicted).Should().Equal("ok", "bind:AddressAlreadyInUse", "ok", "not modelled");
        using var document = JsonDocument.Parse(json);
        document.RootElement.GetProperty("steps")[1].GetProperty("predicted").GetString().Should().Be("bind:AddressAlreadyInUse");
        document.RootElement.GetProperty("steps")[1].GetProperty("reason").GetString().Should().Contain("tcp 0.0.0.0 (no options, listening)");
    }

    [Theory]
    [InlineData("--predict udp 127.0.0.1:0")]
    [InlineData("--predict --os freebsd udp 127.0.0.1:0")]
    [InlineData("--predict --os windows --kernel 6.1 udp 127.0.0.1:0")]
    [InlineData("--predict --os linux --kernel six udp 127.0.0.1:0")]
    [InlineData("--predict --os linux --kernel 6 udp 127.0.0.1:0")]
    [InlineData("--os linux udp 127.0.0.1:0")]
    [InlineData("--predict --os linux matrix")]
    [InlineData("--predict --os linux doctor udp 127.0.0.1:5000")]
    [InlineData("--predict --os linux udp 127.0.0.1:0 +reuseaddress")]
    public void Bad_prediction_arguments_get_one_usage_line_and_exit_code_2(string arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        ProbeCli.Run(arguments.Split(' '), stdout, stderr).Should().Be(ProbeCli.UsageError);
        stdout.ToString().Should().BeEmpty();
        stderr.ToString().TrimEnd('\n').Should().StartWith("probe: ").And.NotContain("\n");
    }

    private static string Step(Layer layer, MatrixConfig config, string port)
    {
        var options = ProbeArguments.OptionTokens(layer, config.Options);
        return $"{MatrixWords.Proto(config.Transport)} {config.Address.Text}:{port}{(options.Length > 0 ? " " + options : "")}{(config.Listening ? " listen" : "")}";
    }

    private static Os OsOf(string word) => word switch
    {
        "linux" => Os.Linux,
        "windows" => Os.Windows,
        _ => Os.MacOS,
    };

    private static PredictionReport Json(string arguments) =>
        ProbeJson.Read<PredictionReport>(Output(arguments));

    private static string Text(string arguments) => Output(arguments);

    private static string Output(string arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ProbeCli.Run(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), stdout, stderr);
        code.Should().Be(0, stderr.ToString());
        return stdout.ToString();
    }
}
