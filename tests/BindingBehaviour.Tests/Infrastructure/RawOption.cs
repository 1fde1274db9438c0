using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Reads and writes a socket option of a .NET <see cref="Socket"/> by its per-OS number (GetRawSocketOption and
/// SetRawSocketOption with <see cref="NativeNumbers"/>), so a claim sees what the kernel holds rather than what .NET's
/// own getter reports.
/// </summary>
public static class RawOption
{
    public const string On = "on";
    public const string Off = "off";

    /// <summary>What an OS without the option reports: the option has no number there.</summary>
    public const string None = "none";

    /// <summary>"on", "off", or "none" when this OS has no such option. Any non-zero value is on: macOS reports the option's bit, not 1.</summary>
    public static string Read(Socket socket, NativeOption option)
    {
        if (NativeNumbers.Option(HostOs.Require(), option) is not var (level, name))
        {
            return None;
        }

        var value = new byte[sizeof(int)];
        socket.GetRawSocketOption(level, name, value);
        return Describe(BitConverter.ToInt32(value));
    }

    /// <summary>Sets the option by its number; false when this OS has no such option.</summary>
    public static bool Write(Socket socket, NativeOption option, int value = 1)
    {
        if (NativeNumbers.Option(HostOs.Require(), option) is not var (level, name))
        {
            return false;
        }

        socket.SetRawSocketOption(level, name, BitConverter.GetBytes(value));
        return true;
    }

    /// <summary>The same words for a native socket's <see cref="NativeSocket.Get"/>.</summary>
    public static string Describe(int? value) => value switch
    {
        null => None,
        0 => Off,
        _ => On,
    };
}
