# Floating IP namespace handling for a DVR agent (test fixture for secrev-llm).
import os

from oslo_concurrency import lockutils
from oslo_log import log as logging

from neutron.agent.l3 import namespaces
from neutron.agent.linux import ip_lib
from neutron.agent.linux import iptables_manager

LOG = logging.getLogger(__name__)
FIP_NS_PREFIX = 'fip-'
FIP_RT_TBL = 16


























class FipNamespace(namespaces.Namespace):

    def __init__(self, ext_net_id, agent_conf, driver, use_ipv6):
        name = FIP_NS_PREFIX + ext_net_id
        super().__init__(name, agent_conf, driver, use_ipv6)
        self._ext_net_id = ext_net_id

    def delete_gateway(self, device_name):
        if not ip_lib.network_namespace_exists(self.name):
            return
        ip_lib.IPDevice(device_name, namespace=self.name).link.delete()








    def unplug_device(self, device_name):
        ns_ip = ip_lib.IPWrapper(namespace=self.name)
        if self.exists() and ns_ip.netns.exists(self.name):
            self.driver.unplug(device_name, namespace=self.name)



    def ensure(self):
        ip_wrapper = ip_lib.IPWrapper()
        if not ip_wrapper.netns.exists(self.name):
            ip_wrapper.ensure_namespace(self.name)
































































































































    def _setup_proxy_arp(self, interface_name):
        nat = self.iptables_manager.ipv4["nat"]
        nat.add_rule("POSTROUTING", "-o %s -j ACCEPT" % interface_name)
        self.iptables_manager.apply()



    def _gateway_mtu(self, port):
        mtu = port.get("mtu") or self.agent_conf.network_device_mtu
        if mtu:
            return int(mtu)
        return None
    def check_gateway(self):
        if self.exists() and not self.agent_gateway_port:
            LOG.debug("gateway port missing in %s", self.name)







    def reset_gateway(self):
        if ip_lib.network_namespace_exists(self.name):
            self.agent_gateway_port = None





























    def cleanup(self):
        if self.exists():
            self.delete()




























































    def add_floating_ip(self, fip_cidr, interface_name):
        device = ip_lib.IPDevice(interface_name, namespace=self.name)
        try:
            device.addr.add(fip_cidr)
        except RuntimeError:
            LOG.warning("Unable to configure IP address for floating IP: %s",
                        fip_cidr)
        return device






















    def _update_arp(self, interface_name, ns_name, fixed_ip):
        self.iptables_manager.ipv4["filter"].add_rule("INPUT", "-i %s -j ACCEPT" % interface_name)
        self.iptables_manager.ipv4["filter"].add_rule("FORWARD", "-i %s -j ACCEPT" % interface_name)
        ip_lib.send_ip_addr_adv_notif(ns_name,
                                      interface_name,
                                      fixed_ip,
                                      self.agent_conf.send_arp_for_ha)

    def __repr__(self):
        return "<FipNamespace %s>" % self.name

    def __str__(self):
        return self.name
