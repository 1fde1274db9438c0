using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using BindingBehaviour.Native;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Binds as a user without privileges. A process that has none binds itself, through the native layer. A root process on
/// Linux cannot give its rights up and take them back, so it runs the bind in a child dropped to nobody (uid and gid
/// 65534, no groups) with setpriv as <see cref="LinuxSandbox"/> drops it, and the child runs Engine/raw_bind.py: Python's
/// socket module makes the raw syscalls, and NativeLayerTests checks that it answers as the native layer does.
/// </summary>
public static class Unprivileged
{
    private static readonly string? Python = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists);
    private static readonly Lazy<string?> Missing = new(Probe);

    // The script goes in on stdin, so nobody needs no read access to the repository; it is read once, not per bind.
    private static readonly Lazy<string> Script = new(() => File.ReadAllText(Path.Combine(Repository.ProjectDirectory, "Engine", "raw_bind.py")));

    /// <summary>Why this machine cannot bind as an unprivileged user, or null when it can.</summary>
    public static string? MissingCapability => Missing.Value;

    /// <summary>Who binds: this process, or a child dropped to nobody.</summary>
    public static string Who => Environment.IsPrivilegedProcess ? $"a child process as uid {LinuxSandbox.Nobody} (setpriv)" : "this process, which is not privileged";

    /// <summary>Binds a fresh TCP or UDP socket to the address and port as an unprivileged user and returns what the OS answered.</summary>
    public static Outcome Bind(Transport transport, IPAddress address, int port)
    {
        if (MissingCapability is { } missing)
        {
            throw new InvalidOperationException($"Cannot bind unprivileged here: {missing}");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            using var socket = NativeSocket.Open(transport, address);
            return socket.Bind(address, port);
        }

        var kind = (transport == Transport.Tcp ? "tcp" : "udp") + (address.AddressFamily == AddressFamily.InterNetworkV6 ? "6" : "4");
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var answer = RawBind($"a={kind}", $"a.bind={host}:{port.ToString(CultureInfo.InvariantCulture)}");
        if (answer == "ok")
        {
            return Outcome.Ok;
        }

        // raw_bind.py prints "step:errno" for the first refusal.
        var errno = int.Parse(answer.Split(':')[1], CultureInfo.InvariantCulture);
        return Outcome.Refused(Step.Bind, Errno.ToSocketError(HostOs.Require(), errno), errno, Marshal.GetPInvokeErrorMessage(errno));
    }

    private static string? Probe()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            return "this process is privileged and can drop its rights only through setpriv, which is Linux's";
        }

        if (!File.Exists(LinuxSandbox.Setpriv) || Python is null)
        {
            return "a root process needs setpriv and python3 to bind as nobody, and one is missing";
        }

        // The probe: nobody binds 127.0.0.1:0, which any user may.
        try
        {
            return RawBind("a=udp4", "a.bind=127.0.0.1:0") == "ok" ? null : "a child dropped to nobody could not bind 127.0.0.1:0";
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            return $"a child dropped to nobody did not run: {e.Message}";
        }
    }

    private static string RawBind(params string[] steps)
    {
        var (code, output, error) = LinuxSandbox.Run([.. LinuxSandbox.DropToNobody(), Python!, "-", .. steps], whenReady: null, Script.Value);
        return code == 0 ? output.Trim() : throw new InvalidOperationException($"setpriv/python3 failed ({code}): {error}");
    }
}
