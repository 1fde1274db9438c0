using System.Runtime.InteropServices;

namespace BindingBehaviour.Native;

/// <summary>
/// The ws2_32 calls the native AF_UNIX socket makes on Windows, where .NET's Socket would delete a bound path's file
/// when disposed. WSAGetLastError is GetLastError there, so the marshaller's saved error serves both.
/// </summary>
internal static unsafe partial class WinSock
{
    private const string Library = "ws2_32.dll";

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(IntPtr socket, byte* address, int length);

    [LibraryImport(Library, EntryPoint = "listen", SetLastError = true)]
    internal static partial int Listen(IntPtr socket, int backlog);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    internal static partial int Connect(IntPtr socket, byte* address, int length);
}
