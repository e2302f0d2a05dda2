# Conan 2 recipe for mcast, in the mcast checkout: the checkout two folders up is its source.
#   conan create cmake/conan                                  # mcast::mcast
#   conan create cmake/conan -o "mcast/*:with_asio=True"      # and mcast::asio, with Conan's asio
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


class McastConan(ConanFile):
    name = "mcast"
    description = ("Header-only C++17 IGMPv3/MLDv2 multicast membership: typed Winsock/POSIX options, "
                   "RAII join/block/leave handles, final-state source filters, compile-time ordering checks.")
    license = "BSL-1.0"
    url = "https://github.com/mcast-cpp/mcast"
    homepage = "https://github.com/mcast-cpp/mcast"
    topics = ("multicast", "igmp", "mld", "sockets", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"with_asio": [True, False]}
    default_options = {"with_asio": False}
    no_copy_source = True

    def _checkout(self):
        return os.path.join(self.recipe_folder, os.pardir, os.pardir)

    def set_version(self):
        # The version lives in include/mcast/config.hpp only.
        config = load(self, os.path.join(self._checkout(), "include", "mcast", "config.hpp"))
        parts = [re.search(rf"#define MCAST_VERSION_{p} (\d+)", config).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def export_sources(self):
        copy(self, "*.hpp", os.path.join(self._checkout(), "include"), os.path.join(self.export_sources_folder, "include"))
        copy(self, "LICENSE", self._checkout(), self.export_sources_folder)
        copy(self, "mcast-components.cmake", self.recipe_folder, self.export_sources_folder)

    def layout(self):
        basic_layout(self)

    def requirements(self):
        if self.options.with_asio:
            # Standalone Asio; mcast is tested with 1.22 (Debian 12) to 1.32 (vcpkg).
            self.requires("asio/[>=1.22.1 <2]")

    def package_id(self):
        # The same headers for every option: with_asio only adds a dependency and a target.
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 17)

    def build(self):
        pass

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"), os.path.join(self.package_folder, "include"))
        copy(self, "mcast-components.cmake", self.source_folder, os.path.join(self.package_folder, "share", "mcast"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.set_property("cmake_file_name", "mcast")
        # Every target is a component; the aggregate CMakeDeps always makes is given a name of its
        # own, as mcast::mcast must not bring Asio.
        self.cpp_info.set_property("cmake_target_name", "mcast::_conan_all")
        # CMakeDeps ignores find_package(mcast COMPONENTS ...): this fails one the package lacks.
        self.cpp_info.set_property("cmake_build_modules", [os.path.join("share", "mcast", "mcast-components.cmake")])

        core = self.cpp_info.components["mcast"]
        core.set_property("cmake_target_name", "mcast::mcast")
        core.set_property("pkg_config_name", "mcast")
        core.bindirs = []
        core.libdirs = []
        if self.settings.os == "Windows":
            core.system_libs = ["ws2_32", "iphlpapi"]

        if self.options.with_asio:
            glue = self.cpp_info.components["asio"]
            glue.set_property("cmake_target_name", "mcast::asio")
            glue.set_property("pkg_config_name", "mcast-asio")
            glue.requires = ["mcast", "asio::asio"]
            glue.defines = ["ASIO_STANDALONE"]
            glue.bindirs = []
            glue.libdirs = []
            glue.includedirs = []
