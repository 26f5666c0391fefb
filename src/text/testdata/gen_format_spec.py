# Regenerates format_spec.tsv with python3 3.11: python3 gen_format_spec.py > format_spec.tsv
# Columns: kind (i/f/s), value (int as hex, float as f64 bits, str escaped), spec, result or !Error: msg
import random, struct
random.seed(7)
def esc(s): return s.replace('\\','\\\\').replace('\t','\\t').replace('\n','\\n')
def res(f):
    try: return esc(f())
    except Exception as e: return '!'+type(e).__name__+': '+esc(str(e))
aligns=['', '<', '>', '^', '=', '*<', '*^', '0>', 'x=', '0=', 'é>']
signs=['', '+', '-', ' ']
zs=['', 'z']; alts=['', '#']; zeros=['', '0']; widths=['', '1', '8', '15', '30']
groups=['', ',', '_']; precs=['', '.0', '.1', '.3', '.12', '.17', '.25']
itypes=['', 'b','c','d','o','x','X','n','e','E','f','F','g','G','%','s']
ftypes=['', 'e','E','f','F','g','G','n','%','d','x']
def rspec(types, precs=precs):
    return ''.join([random.choice(aligns), random.choice(signs), random.choice(zs) if random.random()<0.2 else '', random.choice(alts), random.choice(zeros), random.choice(widths), random.choice(groups), random.choice(precs) , random.choice(types)])
ints=[0,1,-1,7,42,-42,255,-255,1234,-1234,65,0x1f,1234567,-1234567,10**20,-(10**20)+1,2**64-1,0x10ffff,0x110000,97,2**100]
floats=[0.0,-0.0,1.0,-1.0,0.5,1.5,2.5,2.675,-2.675,0.125,1e16,1e15,1e-5,1e-4,123456.789,-1234567.891,3.14159,1e100,-1e-100,5e-324,1.7976931348623157e308,float('inf'),-float('inf'),float('nan'),0.1+0.2,1/3,999999.5,9.9999995,0.00001234,12345678901234567890.0,100.0,-0.0004,0.05,1e22,9.5,0.95]
strs=['', 'a', 'abc', 'hello world', 'héllo', '日本語', 'x'*20, '😀a']
lines=[]
seen=set()
def fbits(v): return '%016x'%struct.unpack('<Q',struct.pack('<d',v))[0]
def add(kind, venc, spec, r):
    k=(kind,venc,spec)
    if k in seen: return
    seen.add(k); lines.append('\t'.join([kind,venc,esc(spec),r]))
for v in ints:
    for _ in range(300):
        s=rspec(itypes, precs=['','','','','.2'])
        add('i',hex(v),s,res(lambda: format(v,s)))
for v in floats:
    for _ in range(400):
        s=rspec(ftypes)
        add('f',fbits(v),s,res(lambda: format(v,s)))
stypes=['','s','d','r']
for v in strs:
    for _ in range(150):
        s=''.join([random.choice(aligns), random.choice(signs) if random.random()<0.1 else '', 'z' if random.random()<0.05 else '', '#' if random.random()<0.05 else '', random.choice(zeros), random.choice(widths), random.choice(groups) if random.random()<0.1 else '', random.choice(['','.0','.1','.2','.5']), random.choice(stypes)])
        add('s',esc(v),s,res(lambda: format(v,s)))
hand_i=[(1234,'010,'),(1234,'0=10,'),(1234,'x=10,'),(-1234,'010,'),(1234,'012_'),(0xabcdef,'_x'),(0xabcdef,'#012_x'),(5,'#b'),(-5,'#010b'),(255,'#X'),(10**30,','),(65,'05c'),(1,'abc'),(1,'ss'),(1,',_'),(1,'_,'),(1,',,'),(1,'.'),(1,'z'),(1,'1000000000000000000000'),(10**5000,'d'),(10**5000,'x'),(10**5000,'_'),(10**5000,''),(10**400,'f'),(2**1024-2**970,'e'),(2**1024-2**969,'e'),(-1,'c'),(2**100,'c'),(3,',s'),(1,'\x00<5'),(1,'\x00'),(1,',\x01'),(1,'٣'),(12,'٣,'),(100,'.%'),(1,'.2%'),(123,'=^10'),(1,'n'),(123456789,'n'),(123456789,'015n'),(5,'='),(5,'=5'),(5,' 05'),(0,''),(-7,''),(10**20,''),(1,'9223372036854775807'),(1,'4611686018427387904'),(1,'9223372036854775807s')]
for v,s in hand_i: add('i',hex(v),s,res(lambda: format(v,s)))
hand_f=[(1.0,''),(1e16,''),(3.14159,'.3'),(100.0,'.3'),(10.0,'.3'),(1.0,'#'),(1e16,'#'),(float('inf'),'010'),(-0.0001,'z.2f'),(-0.0,'z'),(1.5,',n'),(1.5,'=10'),(1.5,'z'),(1.5,'ss'),(2.675,'.2f'),(0.125,'.2f'),(0.375,'.2f'),(1e300,'f'),(1e300,',.2f'),(1234567.0,'020,.2f'),(1234567.0,'_'),(1.0,'.1000f'),(5e-324,'.1000e'),(1.5,'.0f'),(2.5,'.0f'),(0.5,'.0e'),(1.5,'d'),(1.0,'x'),(123.456,'.0%'),(1e-5,'g'),(1e-4,'g'),(123456.0,'g'),(1234567.0,'g'),(1234567.0,'#g'),(0.0,'#g'),(0.0,'g'),(0.0,'e'),(0.0,'#.0e'),(1.0,'#.0f'),(12.0,'#.0g'),(float('nan'),'F'),(float('-inf'),'E'),(float('nan'),'+08'),(-float('inf'),'=+12,'),(1.0,'99999999999999999999'),(-0.00001,'z.3g'),(-0.0,'z.0%'),(-1e-10,'z%'),(0.0001,''),(1e-5,''),(1.0,'9223372036854775807'),(1.0,'.2147483648f'),(1.0,'9223372036854775807d')]
for v,s in hand_f: add('f',fbits(v),s,res(lambda: format(v,s)))
hand_s=[('a','d'),('a','=5'),('a','+'),('a','#'),('a','z'),('a',','),('ab','05'),('ab','\x00<5'),('ab','.'),('abc','.1'),('日本語','^9'),('a','x<10.0'),('a','ss'),('a',''),('a','9223372036854775807'),('a','+9223372036854775807')]
for v,s in hand_s: add('s',esc(v),s,res(lambda: format(v,s)))
print('\n'.join(lines))
