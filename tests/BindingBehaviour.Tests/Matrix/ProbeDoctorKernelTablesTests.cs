using System.Diagnostics;
using System.Globalization;
using BindingBehaviour.KernelTables;
using BindingBehaviour.Probe;
using BindingBehaviour.Probe.Doctor;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>probe doctor reads the holders' options from the kernel's tables where it can (Linux, root).</summary>
public sealed class ProbeDoctorKernelTablesTests(ITestOutputHelper output)
{
    // Another process: a TCP listener without options and a UDP socket with SO_REUSEADDR on one 127.0.0.1:P; it prints P
    // and holds both until its stdin closes.
    private const string Holder = """
        import socket, sys
        t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        u.bind(("127.0.0.1", t.getsockname()[1]))
        print(t.getsockname()[1], flush=True); sys.stdin.read()
        """;

    [SkippableFact]
    public void The_doctor_shows_another_process_s_socket_options_as_the_kernel_holds_them()
    {
        var unavailable = KernelTableReader.WhyUnavailable;
        Skip.If(unavailable is not null, unavailable);
        Skip.If(Python3.Path is null, "the holder process is a python3 script, and this machine has no python3");

        for (var attempt = 1; ; attempt++)
        {
            var start = ChildProcess.Start(Python3.Path!, ["-c", Holder]);
            start.RedirectStandardInput = start.RedirectStandardOutput = start.RedirectStandardError = true;
            using var holder = Process.Start(start)!;
            using var pipes = holder.ClosingPipes();
            try
            {
                // No line: the UDP port was taken by someone else; try again with a fresh port.
                if (holder.StandardOutput.ReadLine() is not { } line)
                {
                    attempt.Should().BeLessThan(5, $"the holder could not bind: {holder.StandardError.ReadToEnd()}");
                    continue;
                }

                var port = int.Parse(line, CultureInfo.InvariantCulture);
                using var stdout = new StringWriter();
                using var stderr = new StringWriter();
                ProbeCli.Run(["doctor", "--json", "udp", $"127.0.0.1:{port}"], stdout, stderr).Should().Be(0, stderr.ToString());
                var report = DoctorReport.FromJson(stdout.ToString());
                output.WriteLine(ProbeDoctor.Text(report));

                var udp = report.Holders.Should().ContainSingle(h => h.Protocol == "udp").Subject;
                var tcp = report.Holders.Should().ContainSingle(h => h.Protocol == "tcp").Subject;
                udp.Options.Should().Equal(["REUSEADDR"], "the holder set SO_REUSEADDR on its UDP socket");
                tcp.Options.Should().BeEmpty("the holder's TCP listener set no option (Python adds none)");
                udp.OptionsSource.Should().Contain("kernel's socket tables");
                report.Attempt.Observed.Should().Be("bind:AddressAlreadyInUse", "the doctor's own bind has no SO_REUSEADDR");
                ProbeDoctor.Text(report).Should().Contain("options: SO_REUSEADDR on, SO_REUSEPORT off").And.Contain("options: SO_REUSEADDR off, SO_REUSEPORT off");
                return;
            }
            finally
            {
                // Closing its stdin ends the holder; one that does not end is killed.
                holder.StandardInput.Close();
                holder.WaitForExit(TimeSpan.FromSeconds(10));
                holder.KillIfRunning();
            }
        }
    }
}
